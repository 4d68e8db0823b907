// Repeats a transient failure with capped, jittered exponential backoff; anything else ends at once.
import { DenoiserTimeoutError, DenoiserUnavailableError, DomainError } from "../../errors.ts";
import type { OipRetryPolicy } from "./config.ts";
import { TransientFailure } from "./transport.ts";

export interface RetryDeps {
  /** Uniform in [0, 1): the jitter source (injected in tests, so delays are reproducible). */
  random: () => number;
  /** Waits ms, rejecting with the signal's reason when it aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Delay before retry n (0-based): uniform in [cap/2, cap), cap = min(max, base * 2^n) ("equal jitter"). */
export const backoffMs = (policy: OipRetryPolicy, n: number, u: number): number => {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** n);
  return cap / 2 + (cap / 2) * u;
};

/**
 * Runs `once(attemptIndex)` until it succeeds, throws a non-transient error, or 1 + maxRetries attempts
 * have failed transiently. The last case says what happened: DenoiserTimeoutError (504) when every
 * attempt timed out, denoiser_unreachable (502) when no attempt could connect (naming the provider's
 * host and the failure's hint), else DenoiserUnavailableError (502: answered 5xx/429/408 or dropped the
 * connection), naming the count of each kind of failure and the last cause.
 */
export async function withRetries<T>(
  policy: OipRetryPolicy,
  deps: RetryDeps,
  what: string,
  once: (attemptIndex: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  const kinds = new Map<TransientFailure["kind"], number>();
  for (let n = 0; ; n++) {
    try {
      return await once(n);
    } catch (e) {
      if (!(e instanceof TransientFailure)) throw e;
      kinds.set(e.kind, (kinds.get(e.kind) ?? 0) + 1);
      if (n >= policy.maxRetries) {
        const tally = [...kinds].map(([kind, count]) => `${count} ${KIND_WORDS[kind]}`).join(", ");
        const message = `${what}: no usable answer after ${n + 1} attempt${n ? "s" : ""} (${tally}; last: ${e.message})`;
        if (kinds.size === 1 && kinds.has("timeout")) throw new DenoiserTimeoutError(message, { cause: e });
        if (kinds.size === 1 && kinds.has("unreachable")) {
          const attempts = `${n + 1} attempt${n ? "s" : ""}`;
          const unreachable = `${what}: cannot connect to the provider at ${e.host ?? "its base_url"} (${attempts}; last: ${e.message})${e.hint ? `; ${e.hint}` : ""}`;
          throw new DomainError("denoiser_unreachable", unreachable, undefined, { cause: e });
        }
        throw new DenoiserUnavailableError(message, { cause: e });
      }
      await deps.sleep(backoffMs(policy, n, deps.random()), signal);
    }
  }
}

const KIND_WORDS: Record<TransientFailure["kind"], string> = {
  timeout: "timed out",
  connection: "lost the connection",
  unreachable: "could not connect",
  status: "answered an error status",
};

/** setTimeout as a promise that gives up early when `signal` aborts. */
export const abortableSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });

/** Uniform [0, 1) from the platform's CSPRNG: decorrelates isolates retrying the same provider. */
export const cryptoRandom = (): number => crypto.getRandomValues(new Uint32Array(1))[0] / 4294967296;
