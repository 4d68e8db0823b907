// What a job's Durable Object keeps in its storage, and the public view of it (GET /v1/jobs/{id} and
// the webhook's body). The record is small and fixed in size: the body lives in R2, and each chunk's
// part is one more small storage entry written in the same put as the progress it makes.
import { encodeNpy, type ImageLayout } from "../api/encode/index.ts";
import type { OutputFormat } from "../api/schemas/index.ts";
import type { SampleRun } from "../sampler/run.ts";
import { JOB_LIMITS, pngPageSamples, type JobStatus } from "./limits.ts";

export interface JobError {
  code: string;
  message: string;
}

export type WebhookDelivery = "waiting" | "pending" | "delivered" | "failed";

export interface WebhookState {
  url: string;
  /** waiting: the job has not finished; pending: to be (re)sent at nextAt; delivered or failed: done. */
  state: WebhookDelivery;
  attempts: number;
  lastError: string | null;
  nextAt: number | null;
}

/** Sums over the chunks done: what the status's stats are computed from. */
export interface JobTotals {
  rounds: number;
  targetRows: number;
  verified: number;
  accepted: number;
}

export interface JobRecord {
  id: string;
  /** SHA-256 (hex) of the bearer token that created the job; never the token. */
  owner: string;
  /** SHA-256 of the validated body, canonical JSON: an Idempotency-Key repeated with another body is refused. */
  bodyHash: string;
  /** Scheme and host the job was created through: the webhook's URLs. */
  origin: string;
  createdAt: number;
  updatedAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  status: JobStatus;
  model: string;
  numSamples: number;
  /** The model's sample shape. */
  sampleShape: number[];
  dim: number;
  seed: number;
  output: OutputFormat;
  image: ImageLayout | null;
  method: string;
  steps: number;
  /** Chains per chunk from now on (halved when a chunk runs past its deadline). */
  chunkChains: number;
  /** Chains [0, chainsDone) are in R2 and listed as parts; the next chunk starts here. */
  chainsDone: number;
  chunksDone: number;
  totals: JobTotals;
  /** Failed attempts of the chunk starting at chainsDone. */
  attempt: number;
  nextAttemptAt: number | null;
  lastError: JobError | null;
  error: JobError | null;
  webhook: WebhookState | null;
}

/** One chunk's samples in R2: chains [start, start + count), float32 little-endian, row-major. */
export interface PartRecord {
  key: string;
  start: number;
  count: number;
  bytes: number;
  rounds: number;
}

export const JOB_KEY = "job";
export const PART_PREFIX = "part:";
/** Storage key of the part starting at chain `start`: zero-padded so that a listing is in chain order. */
export const partEntryKey = (start: number): string => `${PART_PREFIX}${String(start).padStart(7, "0")}`;

/** R2 layout: jobs/<id>/request.json (the body), jobs/<id>/parts/<first>-<end>.f32 (one per chunk). */
export const jobPrefix = (id: string): string => `jobs/${id}/`;
export const requestKey = (id: string): string => `${jobPrefix(id)}request.json`;
export const partKey = (id: string, start: number, count: number): string =>
  `${jobPrefix(id)}parts/${String(start).padStart(7, "0")}-${String(start + count).padStart(7, "0")}.f32`;

export const isFinished = (s: JobStatus): boolean => s === "succeeded" || s === "failed" || s === "cancelled";

export const resultShape = (r: Pick<JobRecord, "numSamples" | "sampleShape">): number[] => [r.numSamples, ...r.sampleShape];

/** The npy file's header: what encodeNpy writes before the values (it writes none for an empty array). */
export const npyHeader = (shape: readonly number[]): Uint8Array => encodeNpy(new Float32Array(0), shape);

export const npyBytes = (r: Pick<JobRecord, "numSamples" | "sampleShape" | "dim">): number => npyHeader(resultShape(r)).byteLength + 4 * r.numSamples * r.dim;

/** What one chunk's run adds to the totals: its rounds and rows, and its verified and accepted drafts. */
export const chunkTotals = (run: SampleRun): JobTotals => {
  const verified = run.stats.per_step.reduce((a, s) => a + s.verified, 0);
  return {
    rounds: run.stats.rounds,
    targetRows: run.stats.target_rows,
    verified,
    accepted: Math.round((run.stats.acceptance ?? 0) * verified),
  };
};

export const addTotals = (a: JobTotals, b: JobTotals): JobTotals => ({
  rounds: a.rounds + b.rounds,
  targetRows: a.targetRows + b.targetRows,
  verified: a.verified + b.verified,
  accepted: a.accepted + b.accepted,
});

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export const statusUrl = (origin: string, id: string): string => `${origin}/v1/jobs/${id}`;
export const resultUrl = (origin: string, id: string, format: OutputFormat, page?: number | string): string =>
  `${statusUrl(origin, id)}/result?format=${format}${page === undefined ? "" : `&page=${page}`}`;

/** The scalar stats over the chunks done (the per-chain and per-step stats of /v1/samples are not kept). */
export const jobStats = (r: JobRecord) => ({
  method: r.method,
  steps: r.steps,
  rounds: r.totals.rounds,
  target_rows: r.totals.targetRows,
  speedup: r.totals.rounds > 0 ? (r.steps * r.chunksDone) / r.totals.rounds : 1,
  acceptance: r.totals.verified ? r.totals.accepted / r.totals.verified : null,
});

const resultLinks = (r: JobRecord, origin: string) => {
  if (r.status !== "succeeded") return null;
  const page = r.image ? pngPageSamples(r.dim, r.image) : 0;
  return {
    bytes: npyBytes(r),
    npy: resultUrl(origin, r.id, "npy"),
    json: r.numSamples * r.dim <= JOB_LIMITS.jsonValues ? resultUrl(origin, r.id, "json") : null,
    png: r.image
      ? { pages: Math.ceil(r.numSamples / page), samples_per_page: page, first: resultUrl(origin, r.id, "png", 0), template: resultUrl(origin, r.id, "png", "{page}") }
      : null,
  };
};

/** The public status of a job; URLs under `origin` (the request's, or the creating request's for a webhook). */
export const jobView = (r: JobRecord, origin: string) => ({
  id: r.id,
  status: r.status,
  model: r.model,
  num_samples: r.numSamples,
  shape: resultShape(r),
  seed: r.seed,
  output: r.output,
  created_at: iso(r.createdAt)!,
  updated_at: iso(r.updatedAt)!,
  started_at: iso(r.startedAt),
  finished_at: iso(r.finishedAt),
  progress: {
    chains_done: r.chainsDone,
    chains_total: r.numSamples,
    chunks_done: r.chunksDone,
    chunk_chains: r.chunkChains,
    rounds: r.totals.rounds,
    attempt: r.attempt,
    next_attempt_at: iso(r.nextAttemptAt),
    last_error: r.lastError,
  },
  stats: jobStats(r),
  error: r.error,
  result: resultLinks(r, origin),
  webhook: r.webhook ? { url: r.webhook.url, state: r.webhook.state, attempts: r.webhook.attempts, last_error: r.webhook.lastError } : null,
});

export type JobView = ReturnType<typeof jobView>;
