// The one error policy: every thrown error becomes {error: {code, message, field?}} with its status.
// Domain errors carry their own code; HTTP-layer errors (malformed JSON, content type, auth, unknown
// route) come from Hono as HTTPException; anything else is a logged 500 that leaks nothing.
import { HTTPException } from "hono/http-exception";
import { isDomainError, OverloadedError, RateLimitedError, type DomainErrorCode } from "../errors.ts";

const DOMAIN_STATUS: Record<DomainErrorCode, number> = {
  invalid_request: 422,
  limit_exceeded: 413,
  denoiser_bad_response: 502,
  denoiser_timeout: 504,
  denoiser_rejected_request: 502,
  denoiser_unavailable: 502,
  denoiser_unreachable: 502,
  model_unavailable: 503,
  overloaded: 503,
  rate_limited: 429,
  deadline_exceeded: 504,
  jobs_unavailable: 503,
  idempotency_conflict: 422,
  result_unavailable: 409,
};

const HTTP_CODE: Record<number, string> = {
  400: "malformed_request",
  401: "unauthorized",
  404: "not_found",
  405: "method_not_allowed",
  415: "unsupported_media_type",
};

// Hono's own texts for these say what is wrong but not what to send instead.
const HTTP_HINT: Record<number, string> = {
  415: "Unsupported Media Type: send the request body as JSON with content-type: application/json",
};

export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; field?: string } };
  headers?: Record<string, string>;
}

// Messages and fields can quote the request (a model id, a key): an answer never echoes more than this.
export const MAX_MESSAGE_CHARS = 1000;
export const MAX_FIELD_CHARS = 200;

/** s cut to at most max characters, the cut marked with an ellipsis. */
export const clip = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}\u2026`);

export const errorAnswer = (err: unknown): ErrorAnswer => {
  if (isDomainError(err)) {
    const message = clip(err.message, MAX_MESSAGE_CHARS);
    const error = err.field === undefined ? { code: err.code, message } : { code: err.code, message, field: clip(err.field, MAX_FIELD_CHARS) };
    const headers = err instanceof OverloadedError || err instanceof RateLimitedError ? { "retry-after": String(err.retryAfterS) } : undefined;
    return { status: DOMAIN_STATUS[err.code], body: { error }, headers };
  }
  if (err instanceof HTTPException && err.status < 500) {
    const headers = err.status === 401 ? { "www-authenticate": 'Bearer realm="samples"' } : undefined;
    return { status: err.status, body: { error: { code: HTTP_CODE[err.status] ?? "bad_request", message: HTTP_HINT[err.status] ?? clip(err.message, MAX_MESSAGE_CHARS) } }, headers };
  }
  console.error("unhandled error", err);
  return { status: 500, body: { error: { code: "internal_error", message: "internal error" } } };
};

export const errorResponse = (err: unknown): Response => {
  const a = errorAnswer(err);
  return Response.json(a.body, { status: a.status, headers: a.headers });
};
