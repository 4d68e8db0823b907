// One HTTP attempt against the provider: per-attempt timeout, and the classification the retry
// policy needs (transient: timeout, connection error, 408/429/5xx; fatal: other statuses, bad bodies).
// A connection nothing accepted (refused, unknown host) is "unreachable" where the runtime says so.
// A provider's error text never reaches the client: messages carry the status, the text goes to the log.
import { DenoiserRejectedRequestError, isDomainError } from "../../errors.ts";
import { sanitise, secretsOf, statusText } from "./sanitise.ts";

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** A failure worth another attempt: the call is a pure function of its rows, so repeating it is safe. */
export class TransientFailure extends Error {
  override readonly name = "TransientFailure";
  /** connection: failed or lost after connecting, or the runtime cannot tell; unreachable: nothing accepted it. */
  readonly kind: "timeout" | "connection" | "unreachable" | "status";
  /** The provider's host[:port] for connection failures (never credentials or a path). */
  readonly host: string | undefined;
  /** For unreachable failures: what to do about it (how to start a local provider). */
  readonly hint: string | undefined;

  constructor(kind: TransientFailure["kind"], message: string, options?: ErrorOptions & { host?: string; hint?: string }) {
    super(message, options);
    this.kind = kind;
    this.host = options?.host;
    this.hint = options?.hint;
  }
}

/** host[:port] of a URL: no user info, path or query, so nothing secret. */
export const hostOf = (url: string): string => {
  try {
    return new URL(url).host;
  } catch {
    return "the provider";
  }
};

// What Node's fetch (undici) reports when nothing accepted the connection. workerd reports every
// connection failure as "Network connection lost.": the denoiser tells those apart (denoiser.ts).
const UNREACHABLE_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);

const errorCode = (e: unknown): string | undefined => {
  for (let c = e, depth = 0; c instanceof Error && depth < 4; c = c.cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return undefined;
};

export interface AttemptRequest {
  /** Names the call in error messages ('infer on model "unet"'). */
  label: string;
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** What an attempt read: status, the raw body and the header an OIP binary answer carries. */
export interface RawAnswer {
  body: Uint8Array;
  headerLength: string | null;
}

// Enough of a provider's error text for the log to name the cause, without a whole page.
const MAX_LOGGED_TEXT = 500;
// Enough of a runtime's connection error (its own words, but they can name the URL) for the message.
const MAX_CAUSE_TEXT = 120;

/** Sends one request and reads the whole answer within `timeoutMs`; `signal` is the caller's (never retried). */
export async function attempt(fetchFn: FetchFn, req: AttemptRequest, timeoutMs: number, signal?: AbortSignal): Promise<RawAnswer> {
  signal?.throwIfAborted();
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, timeoutMs);
  const onAbort = () => ctrl.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const res = await fetchFn(req.url, { method: req.method, headers: req.headers, body: req.body, signal: ctrl.signal });
    if (!res.ok) return await refuse(res, req);
    const body = new Uint8Array(await res.arrayBuffer());
    return { body, headerLength: res.headers.get("inference-header-content-length") };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) throw new TransientFailure("timeout", `no answer within ${timeoutMs} ms`, { cause: e });
    if (e instanceof TransientFailure || isDomainError(e)) throw e;
    const kind = UNREACHABLE_CODES.has(errorCode(e) ?? "") ? "unreachable" : "connection";
    throw new TransientFailure(kind, `connection failed (${sanitise(describe(e), MAX_CAUSE_TEXT, secretsOf(req.headers))})`, { cause: e, host: hostOf(req.url) });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

// Non-2xx: transient for 408, 429 and 5xx; any other status is the provider refusing this call for good.
// The client learns the status; the provider's text is logged, without the credentials this Worker sent.
async function refuse(res: Response, req: AttemptRequest): Promise<never> {
  const text = sanitise(await errorText(res), MAX_LOGGED_TEXT, secretsOf(req.headers));
  console.warn(`oip: ${req.label}: provider answered ${res.status}${text ? `: ${text}` : ""}`);
  const what = `provider answered ${statusText(res.status)}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) throw new TransientFailure("status", what);
  throw new DenoiserRejectedRequestError(`${req.label}: ${what}, refusing the request this Worker sent (its reason is in the Worker's log)`);
}

// An error body is read this far and no further: it is only logged, and only its start.
const MAX_ERROR_BYTES = 16 * 1024;

// OIP errors are {"error": "..."}; anything else is logged as (sanitised, truncated) text.
async function errorText(res: Response): Promise<string> {
  let raw = "";
  try {
    raw = await readStart(res, MAX_ERROR_BYTES);
  } catch {
    return "";
  }
  try {
    const parsed = JSON.parse(raw) as { error?: unknown };
    if (typeof parsed?.error === "string") raw = parsed.error;
  } catch {
    // not JSON: keep the text
  }
  return raw;
}

// The first maxBytes of a body as text; the rest is cancelled unread.
async function readStart(res: Response, maxBytes: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < maxBytes) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value.subarray(0, maxBytes - size));
    size += Math.min(value.byteLength, maxBytes - size);
  }
  if (size >= maxBytes) await reader.cancel().catch(() => undefined);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

const describe = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
  return `${e.message}${cause}`;
};
