// One HTTP attempt against the provider: per-attempt timeout, and the classification the retry
// policy needs (transient: timeout, connection error, 408/429/5xx; fatal: other statuses, bad bodies).
import { DenoiserBadResponseError } from "../../errors.ts";

export type FetchFn = (input: string, init: RequestInit) => Promise<Response>;

/** A failure worth another attempt: the call is a pure function of its rows, so repeating it is safe. */
export class TransientFailure extends Error {
  override readonly name = "TransientFailure";
  readonly kind: "timeout" | "connection" | "status";

  constructor(kind: TransientFailure["kind"], message: string, options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
  }
}

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

// Enough of a provider's error text to name the cause, without relaying a whole page.
const MAX_ERROR_TEXT = 200;

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
    if (!res.ok) return await refuse(res, req.label);
    const body = new Uint8Array(await res.arrayBuffer());
    return { body, headerLength: res.headers.get("inference-header-content-length") };
  } catch (e) {
    if (signal?.aborted) throw signal.reason;
    if (timedOut) throw new TransientFailure("timeout", `no answer within ${timeoutMs} ms`, { cause: e });
    if (e instanceof TransientFailure || e instanceof DenoiserBadResponseError) throw e;
    throw new TransientFailure("connection", `connection failed (${describe(e)})`, { cause: e });
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}

// Non-2xx: transient for 408, 429 and 5xx; any other status is the provider refusing this call for good.
async function refuse(res: Response, label: string): Promise<never> {
  const text = await errorText(res);
  const what = `provider answered ${res.status}${text ? `: ${text}` : ""}`;
  if (res.status === 408 || res.status === 429 || res.status >= 500) throw new TransientFailure("status", what);
  throw new DenoiserBadResponseError(`${label}: ${what}`);
}

// OIP errors are {"error": "..."}; anything else is shown as truncated text.
async function errorText(res: Response): Promise<string> {
  let raw = "";
  try {
    raw = await res.text();
  } catch {
    return "";
  }
  try {
    const parsed = JSON.parse(raw) as { error?: unknown };
    if (typeof parsed?.error === "string") raw = parsed.error;
  } catch {
    // not JSON: keep the text
  }
  return raw.replace(/\s+/g, " ").trim().slice(0, MAX_ERROR_TEXT);
}

const describe = (e: unknown): string => {
  if (!(e instanceof Error)) return String(e);
  const cause = e.cause instanceof Error ? `: ${e.cause.message}` : "";
  return `${e.message}${cause}`;
};
