// One model's HTTP calls: auth headers, retries with backoff, the first-answer rule that tells an
// unreachable provider from a dropped connection, and an event per attempt. Shared by the denoiser and
// the pipeline's encoder and decoder stages.
import { DenoiserRejectedRequestError } from "../../errors.ts";
import type { OipAuth, OipRetryPolicy } from "./config.ts";
import { abortableSleep, cryptoRandom, withRetries } from "./retry.ts";
import { redactSecrets, secretsOf } from "./sanitise.ts";
import { attempt, TransientFailure, type AttemptRequest, type FetchFn, type RawAnswer } from "./transport.ts";

/** One HTTP attempt, reported for statistics and benchmarks. */
export interface OipCallEvent {
  kind: "metadata" | "infer";
  rows: number;
  /** 0 for the first attempt of a call, n for its n-th retry. */
  attempt: number;
  ok: boolean;
  error?: string;
  bytesSent: number;
  bytesReceived: number;
  ms: number;
}

export interface OipDeps {
  /** Defaults to the global fetch. */
  fetch?: FetchFn;
  /** Value of the secret named by config.auth.secret (read from the Worker's env by the caller). */
  authToken?: string;
  /** Jitter source, uniform in [0, 1); defaults to crypto.getRandomValues. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onCall?: (event: OipCallEvent) => void;
}

/** What calling a model needs besides the request: its name, timeout, retries and credentials. */
export interface OipConnection {
  readonly modelName: string;
  readonly timeoutMs: number;
  readonly retry: OipRetryPolicy;
  readonly auth?: OipAuth;
}

export interface OipCaller {
  /** Headers carrying the credentials (empty without auth). */
  readonly auth: Readonly<Record<string, string>>;
  call(kind: OipCallEvent["kind"], rows: number, req: AttemptRequest, signal?: AbortSignal): Promise<RawAnswer>;
  /** Wraps fn so that no error message leaving it quotes the credentials it sends. */
  scrubbed<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R>;
}

/** `hint`: what to say when the provider cannot be reached (e.g. how to start the local one). */
export const oipCaller = (config: OipConnection, deps: OipDeps, hint?: string): OipCaller => {
  const fetchFn: FetchFn = deps.fetch ?? ((url, init) => fetch(url, init));
  const retryDeps = { random: deps.random ?? cryptoRandom, sleep: deps.sleep ?? abortableSleep };
  const auth = authHeaders(config, deps.authToken);
  // Whether the provider has answered this caller at all. Until it has, a failed connection counts as
  // unreachable: workerd reports a refused connection and a dropped one alike ("Network connection lost.").
  let answered = false;
  const classify = (e: unknown): unknown => {
    if ((e instanceof TransientFailure && e.kind === "status") || e instanceof DenoiserRejectedRequestError) answered = true;
    if (!(e instanceof TransientFailure) || !(e.kind === "unreachable" || (e.kind === "connection" && !answered))) return e;
    return new TransientFailure("unreachable", e.message, { cause: e.cause, host: e.host, hint });
  };
  const call = (kind: OipCallEvent["kind"], rows: number, req: AttemptRequest, signal?: AbortSignal): Promise<RawAnswer> =>
    withRetries(config.retry, retryDeps, req.label, async function attemptOnce(n) {
      const started = performance.now();
      const sent = req.body?.byteLength ?? 0;
      try {
        const answer = await attempt(fetchFn, req, config.timeoutMs, signal);
        answered = true;
        deps.onCall?.({ kind, rows, attempt: n, ok: true, bytesSent: sent, bytesReceived: answer.body.byteLength, ms: performance.now() - started });
        return answer;
      } catch (e) {
        const error = e instanceof Error ? e.message : String(e);
        deps.onCall?.({ kind, rows, attempt: n, ok: false, error, bytesSent: sent, bytesReceived: 0, ms: performance.now() - started });
        throw classify(e);
      }
    }, signal);
  // Every message that leaves is cleaned of the credentials sent: a provider may echo them into values
  // the messages quote (tensor names, dtypes, shapes, header values).
  const secrets = secretsOf(auth);
  const scrubbed = <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async function withoutSecrets(...args: A): Promise<R> {
      try {
        return await fn(...args);
      } catch (e) {
        if (e instanceof Error && secrets.length > 0) e.message = redactSecrets(e.message, secrets);
        throw e;
      }
    };
  return { auth, call, scrubbed };
};

function authHeaders(config: OipConnection, token: string | undefined): Record<string, string> {
  if (!config.auth) return {};
  // A deployment error, not a request error: the Worker lacks the secret its configuration names.
  if (!token) throw new Error(`OIP model "${config.modelName}" needs the secret ${config.auth.secret}, which is not set`);
  return { [config.auth.header.toLowerCase()]: config.auth.scheme ? `${config.auth.scheme} ${token}` : token };
}
