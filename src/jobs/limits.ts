// What a job may be, and how its work is cut: the job's own limits, the retry policies, and the chunk
// size, found with the per-request limits (src/api/limits.ts) so that every chunk is a request the
// Worker would serve on its own.
import { LIMITS } from "../api/limits.ts";
import { gridBytes, type ImageLayout } from "../api/encode/index.ts";

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const JOB_LIMITS = {
  /** Samples of one job. */
  maxSamples: 1_000_000,
  /** num_samples x dim: 1 GiB of float32 in R2. */
  maxValues: 2 ** 28,
  /** Chunks (R2 parts) of one job: reading the result is one R2 read per part, within a Worker
   * invocation's subrequests (1,000 on the paid plan). */
  maxParts: 1000,
  /** A JSON result is built whole in memory: the per-request JSON limit. */
  jsonValues: LIMITS.jsonValues,
  /** A PNG page's samples, and the memory one page may take (its samples and the grid's pixels, twice). */
  pngPageSamples: 256,
  pngPageBytes: 32 * 2 ** 20,
} as const;

/** Retry policies: a failed chunk (provider outage, timeout, bad answer) and a webhook delivery.
 * `baseMs` is JOBS_RETRY_BASE_MS when that var is set (tests shorten it). A chunk: 5 retries over
 * about a minute (2 s, 4 s, ... 32 s, with jitter). */
export const JOB_RETRY = {
  chunk: { maxRetries: 5, baseMs: 2_000, maxMs: 60_000 },
  // 8 deliveries over about 21 minutes: 10 s, 20 s, ... 640 s apart (with jitter, up to half less).
  webhook: { maxAttempts: 8, baseMs: 10_000, maxMs: 3_600_000, factor: 2, timeoutMs: 10_000 },
} as const;

/** Delay before retry `n` (1-based): base x factor^(n-1), capped, with equal jitter (half fixed, half random). */
export const retryDelayMs = (n: number, baseMs: number, maxMs: number, factor = 2, random = Math.random): number => {
  const cap = Math.min(maxMs, baseMs * factor ** (n - 1));
  return Math.round(cap / 2 + (cap / 2) * random());
};

/** Samples on one PNG page of a job's result: at most pngPageSamples, fewer for large images. */
export const pngPageSamples = (dim: number, image: ImageLayout): number => {
  let n: number = JOB_LIMITS.pngPageSamples;
  while (n > 1 && n * dim * 4 + 2 * gridBytes(n, image) > JOB_LIMITS.pngPageBytes) n = Math.floor(n / 2);
  return n;
};
