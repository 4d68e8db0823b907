// A request's total deadline, and the one signal that stops its work: the client went away or the
// deadline passed. The signal reaches the sampler loop and the denoiser, so no provider call starts
// (and none in flight is waited for) once either happens.
import { DeadlineExceededError } from "../errors.ts";
import type { ResolvedModel } from "./model.ts";

/** Deadlines when a MODELS entry sets no `limits.deadline_ms`. In-Worker models are held to 20 s of
 * estimated CPU before they start, so 30 s is generous; remote ones wait on the provider. */
export const DEFAULT_DEADLINE_MS = { embedded: 30_000, remote: 60_000 } as const;

export const deadlineOf = (model: ResolvedModel): number =>
  model.config?.deadlineMs ?? (model.provider === "embedded" ? DEFAULT_DEADLINE_MS.embedded : DEFAULT_DEADLINE_MS.remote);

/** The deadline that stopped `signal`, if that is what stopped it. */
export const deadlineReason = (signal: AbortSignal): DeadlineExceededError | undefined =>
  signal.aborted && signal.reason instanceof DeadlineExceededError ? signal.reason : undefined;

export interface RunSignal {
  /** Aborts with the client's reason when `client` aborts, or with DeadlineExceededError after the deadline. */
  readonly signal: AbortSignal;
  /** Ends the deadline timer and stops listening to the client; call when the run ends. */
  clear(): void;
}

export const runSignal = (ms: number, modelId: string, client?: AbortSignal): RunSignal => {
  const ctrl = new AbortController();
  const onClientGone = () => ctrl.abort(client?.reason);
  if (client?.aborted) onClientGone();
  else client?.addEventListener("abort", onClientGone, { once: true });
  const timer = setTimeout(() => ctrl.abort(new DeadlineExceededError(modelId, ms)), ms);
  return {
    signal: ctrl.signal,
    clear: function clearRunSignal() {
      clearTimeout(timer);
      client?.removeEventListener("abort", onClientGone);
    },
  };
};

/** `p`, or a rejection with the signal's reason as soon as it aborts (a write a stalled reader never takes
 * must not hold the run past its deadline). */
export const untilAborted = <T>(p: Promise<T>, signal: AbortSignal): Promise<T> => {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
};
