// Size limits derived from a Worker isolate's budget (128 MB memory shared by concurrent requests,
// CPU time per request). A request over a limit is refused up front with 413, naming the limit.
import { LimitError } from "../errors.ts";
import { chainFloats } from "../sampler/buffers.ts";

/** Schema bound on num_samples; the memory and CPU limits below usually bind first. */
export const MAX_NUM_SAMPLES = 4096;

export const LIMITS = {
  // A quarter of the isolate's 128 MB: room for concurrent requests, the JS heap and the encoded answer.
  memoryBytes: 32 * 2 ** 20,
  // Values returned (num_samples x dim): 4 MiB as float32, about 20 MB as JSON text.
  outputValues: 2 ** 20,
  // Estimated worst-case Worker CPU (requestCpuMs): two thirds of the paid plan's default 30 s per request.
  cpuMs: 20_000,
} as const;

// CPU cost per denoiser row, measured under workerd on the development machine (2026-11) with the
// built-in and inline mixtures: a fixed part, the core's work per value (draft, means, verify), and
// the embedded mixture's work per value and component (zero for a remote denoiser, whose time is not CPU).
export const ROW_COST_NS = { fixed: 1500, perValue: 13, perValueComponent: 1.2 } as const;

// Bytes the sampler keeps per schedule step for its counters (a small JS object each, shared by the chains).
const COUNTER_BYTES_PER_STEP = 64;

export interface RequestSize {
  numSamples: number;
  /** Values per sample. */
  dim: number;
  steps: number;
  /** Drafted steps per round; 1 for the sequential sampler. */
  window: number;
  /** Components of an analytic mixture evaluated in the Worker; 0 when the denoiser is remote. */
  components: number;
}

/** Bytes resident for the whole request: chain buffers in wasm, one round's batch in JS, counters, the mixture. */
export const requestBytes = (s: RequestSize): number => {
  const chains = s.numSamples * chainFloats(s.dim, s.window);
  const batch = 2 * s.numSamples * (s.window + 1) * s.dim; // states in, model outputs back
  const mixture = s.components * s.dim;
  return 4 * (chains + batch + mixture) + s.steps * COUNTER_BYTES_PER_STEP;
};

// A round puts at most window + 1 rows per chain into the call and commits at least one step, so
// num_samples x steps x (window + 1) rows bound the work whatever the acceptance turns out to be.
export const worstCaseRows = (s: RequestSize): number => s.numSamples * s.steps * (s.window + 1);

/** Worst-case CPU milliseconds: worst-case rows at the measured cost per row. */
export const requestCpuMs = (s: RequestSize): number => {
  const rowNs = ROW_COST_NS.fixed + s.dim * (ROW_COST_NS.perValue + ROW_COST_NS.perValueComponent * s.components);
  return (worstCaseRows(s) * rowNs) / 1e6;
};

/** Throws LimitError (413) naming the first limit the request exceeds. */
export const checkLimits = (s: RequestSize): void => {
  const out = s.numSamples * s.dim;
  if (out > LIMITS.outputValues) {
    throw new LimitError("num_samples", `num_samples x dim = ${out} values; limit output_values is ${LIMITS.outputValues}`);
  }
  const bytes = requestBytes(s);
  if (bytes > LIMITS.memoryBytes) {
    throw new LimitError("num_samples", `request needs ${mib(bytes)} MiB resident (num_samples x dim x window); limit memory is ${mib(LIMITS.memoryBytes)} MiB`);
  }
  const cpuMs = requestCpuMs(s);
  if (cpuMs > LIMITS.cpuMs) {
    throw new LimitError("steps", `request may need ${(cpuMs / 1000).toFixed(1)} s of CPU (num_samples x steps x (window + 1) = ${worstCaseRows(s)} rows of dim ${s.dim}${s.components ? ` x ${s.components} components` : ""}); limit cpu is ${LIMITS.cpuMs / 1000} s`);
  }
};

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
