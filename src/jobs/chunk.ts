// One chunk of a job is one /v1/samples request for chains [start, start + count) of the job's seed:
// planned by planRequest (so every per-request limit applies to it) and run by the same sampler, with
// the sampler's firstChain set to `start`. Chain c of a job is therefore chain c of a synchronous
// request with the same body and seed, bit for bit.
import { admit } from "../api/admission.ts";
import { deadlineOf, deadlineReason, runSignal } from "../api/deadline.ts";
import { denoiserFor, stagesFor, type RemoteProviders } from "../api/denoiser.ts";
import { MAX_NUM_SAMPLES } from "../api/limits.ts";
import { samplePipeline } from "../api/pipeline.ts";
import { planRequest, type SamplePlan } from "../api/plan.ts";
import type { SampleRequest } from "../api/schemas/index.ts";
import type { JobRequest } from "../api/schemas/jobs.ts";
import type { ModelCatalog } from "../config/index.ts";
import { instantiateCore } from "../core/instance.ts";
import type { Env } from "../env.ts";
import { InvalidRequestError, LimitError } from "../errors.ts";
import type { SampleRun } from "../sampler/run.ts";

// Body fields that may hold one value per sample (a conditional model's labels and prompts): a chunk
// takes its chains' entries.
const PER_SAMPLE_FIELDS = ["class_labels", "prompt", "negative_prompt"] as const;

/** The synchronous request chains [start, start + count) of a job are: the job's body with those
 * chains' per-sample values, npy out, no stream. */
export const chunkRequest = (job: JobRequest, start: number, count: number, seed: number): SampleRequest => {
  const { webhook: _webhook, chunk_chains: _chunk, output: _output, stream: _stream, ...sample } = job;
  const sliced: Record<string, unknown> = {};
  for (const field of PER_SAMPLE_FIELDS) {
    const v = (job as Record<string, unknown>)[field];
    if (!Array.isArray(v)) continue;
    if (v.length !== job.num_samples) {
      throw new InvalidRequestError(field, `${field} has ${v.length} entries; give one value, or one per sample (num_samples = ${job.num_samples})`);
    }
    sliced[field] = v.slice(start, start + count);
  }
  return { ...sample, ...sliced, num_samples: count, seed, output: "npy", stream: false } as SampleRequest;
};

/** The plan of chains [start, start + count). Throws what planRequest throws. */
export const planChunk = (job: JobRequest, catalog: ModelCatalog, seed: number, start: number, count: number): SamplePlan => {
  const plan = planRequest(chunkRequest(job, start, count, seed), catalog);
  return { ...plan, options: { ...plan.options, firstChain: start } };
};

/**
 * The largest chunk of at most `cap` chains whose request passes the per-request limits (memory, CPU,
 * output values), and its plan. When even one chain does not fit, or the body is invalid, throws that
 * request's error (413 naming the limit, 422 naming the field).
 */
export const largestChunk = (job: JobRequest, catalog: ModelCatalog, seed: number, cap: number): { chains: number; plan: SamplePlan } => {
  const fits = (n: number): SamplePlan | null => {
    try {
      return planChunk(job, catalog, seed, 0, n);
    } catch (e) {
      if (e instanceof LimitError) return null;
      throw e;
    }
  };
  const top = Math.max(1, Math.min(cap, MAX_NUM_SAMPLES));
  const full = fits(top);
  if (full) return { chains: top, plan: full };
  const one = planChunk(job, catalog, seed, 0, 1); // throws the one-chain request's error
  let lo = 1, hi = top - 1, best = one;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const plan = fits(mid);
    if (plan) {
      lo = mid;
      best = plan;
    } else hi = mid - 1;
  }
  return { chains: lo, plan: best };
};

export interface ChunkDeps {
  coreModule: WebAssembly.Module;
  providers: RemoteProviders;
  env: Env;
}

/**
 * Runs a planned chunk as answerPlan runs a request that is not streamed (src/api/run.ts): its own core
 * instance, the model's whole pipeline (samplePipeline: conditioning, the sampler, decoding), its memory
 * reserved against the isolate's budget (OverloadedError when the isolate is busy), within the model's
 * deadline (DeadlineExceededError), stopped by `signal` (a cancel). The samples are the answer's.
 */
export const runChunk = async (plan: SamplePlan, deps: ChunkDeps, signal: AbortSignal): Promise<SampleRun> => {
  const release = admit(plan.memoryBytes);
  try {
    const core = instantiateCore(deps.coreModule);
    const denoiser = denoiserFor(plan.model, core, deps.providers, deps.env);
    const stages = stagesFor(plan.model, deps.providers, deps.env);
    const run = runSignal(deadlineOf(plan.model), plan.model.id, signal);
    try {
      return (await samplePipeline(plan, core, denoiser, stages, { signal: run.signal })).run;
    } catch (e) {
      throw deadlineReason(run.signal) ?? e;
    } finally {
      run.clear();
    }
  } finally {
    release();
  }
};
