// Size limits derived from a Worker isolate's budget (128 MB memory shared by concurrent requests,
// CPU time per request). A request is sized before any work: over a limit it is refused with 413
// naming the limit; one that fits alone but not beside the requests already running gets 503
// (admission.ts).
import { LimitError } from "../errors.ts";
import { chainBytes, scratchBytes, type ChainShape } from "../sampler/buffers.ts";
import { embeddedBytes } from "../denoisers/embedded.ts";
import { gridBytes, type ImageLayout } from "./encode/png.ts";
import { MAX_DEADLINE_MS } from "../config/types.ts";
import { STREAM_EVENTS } from "./round-events.ts";

/** Schema bound on num_samples; the memory and CPU limits below usually bind first. */
export const MAX_NUM_SAMPLES = 4096;

export const LIMITS = {
  // What requests may hold at once in one isolate: its 128 MB less about 32 MB for the runtime, the
  // Worker's code and module-level state (admission.ts shares it between concurrent requests).
  isolateRequestBytes: 96 * 2 ** 20,
  // Values returned (num_samples x dim): 4 MiB as float32.
  outputValues: 2 ** 20,
  // JSON text costs about 20 bytes a value, built in memory whole: larger answers go as npy.
  jsonValues: 2 ** 18,
  // Estimated worst-case Worker CPU (requestCpuMs): two thirds of the paid plan's default 30 s per request.
  cpuMs: 20_000,
} as const;

// CPU cost per denoiser row, measured under workerd on the development machine (2026-11) with the
// built-in and inline mixtures: a fixed part, the core's work per value (draft, means, verify), and
// the embedded mixture's work per value and component (zero for a remote denoiser, whose time is not CPU).
// perValue was 13 ns before draft noise was regenerated at verification instead of stored; the lean
// round measured up to 19 ns a value (Node, d = 4096, L = 16, block, a trivial denoiser).
export const ROW_COST_NS = { fixed: 1500, perValue: 19, perValueComponent: 1.2 } as const;

// Bytes per schedule step (its coefficients, counters and per-step stats, and their JSON text: measured
// 635 B a step at 100,000 steps under Node), per chain for its JS state, per row of a round for the row
// tables, and per answer value by format.
const STEP_BYTES = 768;
const CHAIN_JS_BYTES = 512;
// A round's row tables (sampler/run.ts roundBatch): 3 Int32 + 5 Float64 + a pointer per row, 60 bytes and slack.
const ROW_TABLE_BYTES = 64;
const ANSWER_BYTES_PER_VALUE = { json: 4 + 2 * 24, npy: 4 + 4, png: 4 } as const;
// An inline mixture's mean: its body text (~8 bytes), the parsed JS number (8 in a packed array, more
// boxed) and the validated float32 copy (4), measured at about 30 bytes a value under Node.
const INLINE_BYTES_PER_VALUE = 32;
// core.wasm's own data and stack before any allocation (its initial memory: 2 pages).
const CORE_BASE_BYTES = 2 * 65536;

export interface RequestSize {
  numSamples: number;
  /** Values per sample. */
  dim: number;
  steps: number;
  /** Drafted steps per round; 0 for the sequential sampler. */
  window: number;
  frozenTarget: boolean;
  /** Streamed with an x0 preview row per chain. */
  preview: boolean;
  /** Components of an analytic mixture evaluated in the Worker; 0 when the denoiser is remote. */
  components: number;
  /** Bytes per value on the wire to a remote denoiser (4 FP32, 2 FP16); 0 for an embedded one. */
  wireBytes: number;
  output: "json" | "npy" | "png";
  /** The image grid a png answer draws (null otherwise). */
  image: ImageLayout | null;
  /** Means of an inline mixture, parsed from the body (0 for a configured model). */
  inlineValues?: number;
  /** Model rows per sampler row: 2 when classifier-free guidance sends a conditional and an unconditional row. */
  rowsPerEvaluation?: number;
  /** Wire bytes each model row carries besides its sample: class id, prompt embedding, guidance scale. */
  conditionBytesPerRow?: number;
  /** Prompt embeddings the request holds (distinct prompts x embedding values x 4 bytes). */
  embeddingBytes?: number;
  /** With a decoder: values per decoded sample, rows per decoder call, and the decoder's wire bytes per value. */
  decoded?: { dim: number; callRows: number; wireBytes: number };
}

/** Values the answer holds per sample: the decoded image's, or the sample's. */
export const answerDim = (s: RequestSize): number => s.decoded?.dim ?? s.dim;

/** Rows one round may put into the call: L drafted parents plus the bonus row, per chain. */
export const roundRows = (s: RequestSize): number => s.numSamples * (s.window + 1) * (s.rowsPerEvaluation ?? 1);

/** The parts of requestBytes, each counted from the code that allocates it. */
export const requestMemory = (s: RequestSize) => {
  const shape: ChainShape = { dim: s.dim, window: s.window, frozenTarget: s.frozenTarget, preview: s.preview };
  const core = CORE_BASE_BYTES + scratchBytes(s.dim) + s.numSamples * chainBytes(shape) + (s.components ? embeddedBytes(s.components, s.dim) : 0);
  // A remote round holds its request body and the answer's bytes; an embedded one streams rows in place.
  const round = roundRows(s) * (2 * s.dim * s.wireBytes + (s.conditionBytesPerRow ?? 0) + ROW_TABLE_BYTES);
  const values = s.numSamples * answerDim(s);
  const d = s.decoded;
  // Decoding holds the latents, the decoded values and one call's body and answer at a time.
  const decoding = d ? s.numSamples * (s.dim + d.dim) * 4 + Math.min(s.numSamples, d.callRows) * (s.dim + d.dim) * d.wireBytes : 0;
  const answer = values * ANSWER_BYTES_PER_VALUE[s.output] + (s.output === "png" && s.image ? 2 * gridBytes(s.numSamples, s.image) : 0) + decoding;
  const js = s.steps * STEP_BYTES + s.numSamples * CHAIN_JS_BYTES + (s.inlineValues ?? 0) * INLINE_BYTES_PER_VALUE + (s.embeddingBytes ?? 0);
  return { core, round, answer, js, total: core + round + answer + js };
};

/** Bytes resident at the request's peak: core memory (chains, scratch, mixture), one round, the answer, counters. */
export const requestBytes = (s: RequestSize): number => requestMemory(s).total;

// A round puts at most window + 1 rows per chain into the call and commits at least one step, so
// num_samples x steps x (window + 1) rows bound the work whatever the acceptance turns out to be.
// Guidance counts its rows twice: each is encoded, sent, decoded and combined.
export const worstCaseRows = (s: RequestSize): number => s.numSamples * s.steps * (s.window + 1) * (s.rowsPerEvaluation ?? 1);

/** Worst-case CPU milliseconds: worst-case rows at the measured cost per row. */
export const requestCpuMs = (s: RequestSize): number => {
  const rowNs = ROW_COST_NS.fixed + s.dim * (ROW_COST_NS.perValue + ROW_COST_NS.perValueComponent * s.components);
  return (worstCaseRows(s) * rowNs) / 1e6 + (s.preview ? streamCpuMs(s) : 0);
};

// A stream's own CPU, measured with V8 (Node 22, 2026-11) and workerd: per round, the event's counts
// and the x0 preview copied out of core memory (Array.from, 80 ns a value); per event sent, the JSON
// text, its encoding and the write to the client (150 us, then 70 ns a chain, 300 ns a preview value).
export const STREAM_COST_NS = { round: 300, roundChain: 20, roundPreviewValue: 80, event: 150_000, eventChain: 70, eventPreviewValue: 300 } as const;

/** CPU ms a stream adds: every round (steps + 1 at worst, 2 steps + 1 with the frozen-target draft) builds an event; coalescing sends at most
 * the burst plus perSecond over the longest deadline a model may set, and the last round. */
export const streamCpuMs = (s: RequestSize): number => {
  const c = STREAM_COST_NS;
  // A frozen-target draft may spend a start round and a window round per committed step.
  const rounds = (s.frozenTarget ? 2 : 1) * s.steps + 1;
  const preview = s.numSamples * s.dim <= STREAM_EVENTS.previewValues ? s.numSamples * s.dim : 0;
  const events = Math.min(rounds, STREAM_EVENTS.burst + (STREAM_EVENTS.perSecond * MAX_DEADLINE_MS) / 1000) + 1;
  const roundNs = c.round + c.roundChain * s.numSamples + c.roundPreviewValue * preview;
  const eventNs = c.event + c.eventChain * s.numSamples + c.eventPreviewValue * preview;
  return (rounds * roundNs + events * eventNs) / 1e6;
};

/** Throws LimitError (413) naming the first limit the request exceeds. */
export const checkLimits = (s: RequestSize): void => {
  const out = s.numSamples * answerDim(s);
  const what = s.decoded ? "num_samples x decoded values" : "num_samples x dim";
  if (out > LIMITS.outputValues) {
    throw new LimitError("num_samples", `${what} = ${out} values; limit output_values is ${LIMITS.outputValues}`);
  }
  if (s.output === "json" && out > LIMITS.jsonValues) {
    throw new LimitError("output", `${what} = ${out} values; limit json_values is ${LIMITS.jsonValues}: ask for "output": "npy" (4 bytes a value)`);
  }
  const bytes = requestBytes(s);
  if (bytes > LIMITS.isolateRequestBytes) throw new LimitError(...memoryRefusal(s, bytes));
  const cpuMs = requestCpuMs(s);
  if (cpuMs > LIMITS.cpuMs) {
    const guided = (s.rowsPerEvaluation ?? 1) > 1 ? " x 2 for guidance" : "";
    throw new LimitError("steps", `request may need ${(cpuMs / 1000).toFixed(1)} s of CPU (num_samples x steps x (window + 1)${guided} = ${worstCaseRows(s)} rows of dim ${s.dim}${s.components ? ` x ${s.components} components` : ""}); limit cpu is ${LIMITS.cpuMs / 1000} s`);
  }
};

// Names what to change: fewer samples when several would not fit, else the largest window that fits.
const memoryRefusal = (s: RequestSize, bytes: number): [string, string] => {
  const what = `request needs ${mib(bytes)} MiB at its peak (${describe(s)}); limit memory is ${mib(LIMITS.isolateRequestBytes)} MiB per isolate`;
  const fitSamples = largestFitting(s.numSamples, (n) => requestBytes({ ...s, numSamples: n }));
  if (fitSamples >= 1 && s.numSamples > 1) return ["num_samples", `${what}; at most ${fitSamples} samples fit`];
  const one = { ...s, numSamples: 1 };
  const fitWindow = s.window > 0 ? largestFitting(s.window, (w) => requestBytes({ ...one, window: w })) : 0;
  if (fitWindow >= 1) return ["draft.window", `${what}; one sample fits with draft.window at most ${fitWindow}`];
  return ["model", `${what}; this model is too large for one sample even with the sequential sampler`];
};

// Largest n in 1..max with bytes(n) within the isolate's budget (bytes grows with n), or 0.
const largestFitting = (max: number, bytes: (n: number) => number): number => {
  let lo = 0, hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (bytes(mid) <= LIMITS.isolateRequestBytes) lo = mid;
    else hi = mid - 1;
  }
  return lo;
};

const describe = (s: RequestSize) =>
  `${s.numSamples} x dim ${s.dim}, window ${s.window}${s.wireBytes ? `, ${s.wireBytes}-byte wire values` : ""}${s.components ? `, ${s.components} mixture components` : ""}${(s.rowsPerEvaluation ?? 1) > 1 ? ", 2 rows per chain for guidance" : ""}${s.decoded ? `, decoded to ${s.decoded.dim} values` : ""}`;

export const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
