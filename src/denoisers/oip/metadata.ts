// Model metadata (GET {base}/v2/models/{name}[/versions/{v}]) checked against the configuration,
// so that a misconfigured model fails at the first call with every disagreement named.
import { DenoiserBadResponseError, DenoiserRejectedRequestError, isDomainError } from "../../errors.ts";
import type { OipModelConfig, TimestepDtype } from "./config.ts";
import { quoted, shownValue } from "./sanitise.ts";
import { TIMESTEP_DTYPES } from "./tensors.ts";

/** What the metadata fixes about the wire beyond the configuration. */
export interface WirePlan {
  timestepDtype: TimestepDtype;
  /** Timestep tensor shape per call: [rows] or [rows, 1], as the model declares. */
  timestepRank: 1 | 2;
  /** Per-row scalar inputs (class ids, guidance scales) the model declares as [-1, 1] (Triton with a
   * batch dimension and a per-row reshape) rather than [-1]. */
  columnInputs?: readonly string[];
}

interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** URL of the model (append /infer for inference). */
export const modelUrl = (config: Pick<OipModelConfig, "baseUrl" | "modelName" | "modelVersion">): string =>
  `${config.baseUrl}/v2/models/${encodeURIComponent(config.modelName)}` +
  (config.modelVersion === undefined ? "" : `/versions/${encodeURIComponent(config.modelVersion)}`);

/** Checks parsed metadata JSON; throws DenoiserBadResponseError listing every mismatch. */
export function checkMetadata(config: OipModelConfig, body: unknown): WirePlan {
  const model = `model "${config.modelName}"`;
  const meta = body as { inputs?: unknown; outputs?: unknown } | null;
  const inputs = tensors(meta?.inputs);
  const outputs = tensors(meta?.outputs);
  if (!inputs || !outputs) throw new DenoiserBadResponseError(`${model}: metadata has no valid inputs/outputs lists`);
  const problems: string[] = [];
  const sample = find(inputs, config.inputs.sample, "input", problems);
  const timestep = find(inputs, config.inputs.timestep, "input", problems);
  const output = find(outputs, config.output, "output", problems);
  const extra = extraInputs(config);
  for (const t of inputs) {
    if (t.name !== config.inputs.sample && t.name !== config.inputs.timestep && !extra.some((e) => e.name === t.name)) {
      const sent = ["sample", "timestep", ...extra.map((e) => `"${e.name}"`)].join(", ");
      problems.push(`input ${quoted(t.name)} is declared but not configured (this client sends ${sent}; a conditional model's inputs are configured in its MODELS entry's "conditioning" and "guidance")`);
    }
  }
  const columnInputs: string[] = [];
  for (const e of extra) {
    const t = find(inputs, e.name, "input", problems);
    if (t && checkExtraTensor(t, e, problems)) columnInputs.push(e.name);
  }
  if (sample) checkSampleTensor(config, sample, "input", problems);
  if (output) checkSampleTensor(config, output, "output", problems);
  let plan: WirePlan = { timestepDtype: "INT64", timestepRank: 1 };
  if (timestep) plan = timestepPlan(timestep, problems);
  if (problems.length > 0) {
    throw new DenoiserBadResponseError(`${model} does not match its configuration: ${problems.join("; ")}`);
  }
  return columnInputs.length > 0 ? { ...plan, columnInputs } : plan;
}

function tensors(v: unknown): TensorMetadata[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const ok = v.every(
    (t) => t && typeof t.name === "string" && typeof t.datatype === "string" &&
      Array.isArray(t.shape) && t.shape.every((n: unknown) => Number.isInteger(n)),
  );
  return ok ? (v as TensorMetadata[]) : undefined;
}

function find(list: TensorMetadata[], name: string, kind: string, problems: string[]): TensorMetadata | undefined {
  const t = list.find((x) => x.name === name);
  if (!t) problems.push(`no ${kind} named "${name}" (the model has ${names(list) || "none"})`);
  return t;
}

// Sample-shaped tensors: [-1, ...sampleShape] where -1 (variable) matches any configured dimension.
function checkSampleTensor(config: OipModelConfig, t: TensorMetadata, kind: string, problems: string[]): void {
  const where = `${kind} ${quoted(t.name)}`;
  if (t.datatype !== config.wireDtype) problems.push(`${where} is ${shownValue(t.datatype)}, configured wire_dtype is ${config.wireDtype}`);
  const want = config.sampleShape;
  const [batch, ...row] = t.shape;
  const rowOk = row.length === want.length && row.every((n, i) => n === -1 || n === want[i]);
  if (!rowOk) {
    problems.push(`${where} has shape ${fmt(t.shape)}, expected ${fmt([-1, ...want])} (batch, ...sample_shape)`);
  } else if (batch !== -1) {
    problems.push(`${where} has a fixed batch of ${batch}; rounds send a variable number of rows (serve it with a variable batch dimension, e.g. max_batch_size > 0)`);
  }
}

/** A conditioning or guidance input: its datatype and its shape per row. */
interface ExtraInput {
  name: string;
  datatype: string;
  row: readonly number[];
}

function extraInputs(config: OipModelConfig): ExtraInput[] {
  const out: ExtraInput[] = [];
  const c = config.conditioning;
  if (c?.kind === "class_labels") out.push({ name: c.input, datatype: "INT64", row: [] });
  if (c?.kind === "prompt") out.push({ name: c.input, datatype: config.wireDtype, row: c.embeddingShape });
  const g = config.guidance;
  if (g) out.push({ name: g.input, datatype: "FP32", row: [] });
  if (g?.negativeInput && c?.kind === "prompt") out.push({ name: g.negativeInput, datatype: config.wireDtype, row: c.embeddingShape });
  return out;
}

/** Checks an extra input's declaration; true when a per-row scalar is declared as a column [-1, 1]. */
function checkExtraTensor(t: TensorMetadata, e: ExtraInput, problems: string[]): boolean {
  const where = `input ${quoted(t.name)}`;
  if (t.datatype !== e.datatype) problems.push(`${where} is ${shownValue(t.datatype)}, this client sends ${e.datatype}`);
  const [batch, ...row] = t.shape;
  const column = e.row.length === 0 && batch === -1 && row.length === 1 && (row[0] === 1 || row[0] === -1);
  const ok = batch === -1 && row.length === e.row.length && row.every((n, i) => n === -1 || n === e.row[i]);
  if (!ok && !column) problems.push(`${where} has shape ${fmt(t.shape)}, expected ${fmt([-1, ...e.row])}${e.row.length === 0 ? " or [-1, 1]" : ""}`);
  return column;
}

function timestepPlan(t: TensorMetadata, problems: string[]): WirePlan {
  const where = `input ${quoted(t.name)}`;
  const dtype = TIMESTEP_DTYPES.find((d) => d === t.datatype);
  if (!dtype) problems.push(`${where} is ${shownValue(t.datatype)}; timesteps are sent as one of ${TIMESTEP_DTYPES.join(", ")}`);
  const rank1 = t.shape.length === 1 && t.shape[0] === -1;
  const rank2 = t.shape.length === 2 && t.shape[0] === -1 && (t.shape[1] === 1 || t.shape[1] === -1);
  if (!rank1 && !rank2) problems.push(`${where} has shape ${fmt(t.shape)}, expected [-1] or [-1, 1] (one timestep per row)`);
  return { timestepDtype: dtype ?? "INT64", timestepRank: rank2 ? 2 : 1 };
}

// Provider lists are quoted in part: a few entries name the problem, a million would bury it.
const MAX_LISTED = 8;
const fmt = (shape: readonly number[]): string => `[${shape.slice(0, MAX_LISTED).join(", ")}${shape.length > MAX_LISTED ? ", ..." : ""}]`;
const names = (list: readonly TensorMetadata[]): string =>
  list.slice(0, MAX_LISTED).map((x) => quoted(x.name)).join(", ") + (list.length > MAX_LISTED ? `, ... (${list.length} in all)` : "");

/** How long a failed metadata check stands, and the least time between two re-checks of a doubted plan. */
export const METADATA_RECHECK_MS = 5_000;

/**
 * The model's checked wire plan, kept for the denoiser's lifetime. A failed check is kept for
 * METADATA_RECHECK_MS: requests in that window get the same error without asking the provider. An
 * inference failure that a redeployed model would explain makes the plan doubted: the next call reads
 * the metadata again, but a doubted plan is re-read at most once per METADATA_RECHECK_MS, so a provider
 * that refuses every call costs one metadata read per period, not one per request. Results are kept,
 * never an in-flight promise: a Worker must not await I/O that another request started, so concurrent
 * first calls each read the metadata.
 */
export function metadataCache(now: () => number = Date.now, recheckMs = METADATA_RECHECK_MS) {
  let plan: WirePlan | undefined;
  let failure: unknown;
  let failedAt = -Infinity;
  let doubted = false;
  let recheckedAt = -Infinity;
  return {
    async get(read: () => Promise<WirePlan>): Promise<WirePlan> {
      if (plan) {
        if (!doubted || now() - recheckedAt < recheckMs) return plan;
        recheckedAt = now();
      } else if (failure !== undefined && now() - failedAt < recheckMs) {
        throw failure;
      }
      try {
        plan = await read();
        failure = undefined;
        doubted = false;
        return plan;
      } catch (e) {
        // The provider's answer is kept; an abort (the client left) says nothing about the model.
        if (isDomainError(e)) {
          plan = undefined;
          failure = e;
          failedAt = now();
        }
        throw e;
      }
    },
    /** An inference call failed: a malformed answer or a refused request may mean the model changed. */
    failed(e: unknown): void {
      if (e instanceof DenoiserBadResponseError || e instanceof DenoiserRejectedRequestError) doubted = true;
    },
  };
}

export type MetadataCache = ReturnType<typeof metadataCache>;
