// Model metadata (GET {base}/v2/models/{name}[/versions/{v}]) checked against the configuration,
// so that a misconfigured model fails at the first call with every disagreement named.
import { DenoiserBadResponseError } from "../../errors.ts";
import type { OipModelConfig, TimestepDtype } from "./config.ts";
import { TIMESTEP_DTYPES } from "./tensors.ts";

/** What the metadata fixes about the wire beyond the configuration. */
export interface WirePlan {
  timestepDtype: TimestepDtype;
  /** Timestep tensor shape per call: [rows] or [rows, 1], as the model declares. */
  timestepRank: 1 | 2;
}

interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

/** URL of the model (append /infer for inference). */
export const modelUrl = (config: OipModelConfig): string =>
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
  for (const t of inputs) {
    if (t.name !== config.inputs.sample && t.name !== config.inputs.timestep) {
      problems.push(`input "${t.name}" is declared but not configured (this client sends only sample and timestep)`);
    }
  }
  if (sample) checkSampleTensor(config, sample, "input", problems);
  if (output) checkSampleTensor(config, output, "output", problems);
  let plan: WirePlan = { timestepDtype: "INT64", timestepRank: 1 };
  if (timestep) plan = timestepPlan(timestep, problems);
  if (problems.length > 0) {
    throw new DenoiserBadResponseError(`${model} does not match its configuration: ${problems.join("; ")}`);
  }
  return plan;
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
  if (!t) problems.push(`no ${kind} named "${name}" (the model has ${list.map((x) => `"${x.name}"`).join(", ") || "none"})`);
  return t;
}

// Sample-shaped tensors: [-1, ...sampleShape] where -1 (variable) matches any configured dimension.
function checkSampleTensor(config: OipModelConfig, t: TensorMetadata, kind: string, problems: string[]): void {
  const where = `${kind} "${t.name}"`;
  if (t.datatype !== config.wireDtype) problems.push(`${where} is ${t.datatype}, configured wire_dtype is ${config.wireDtype}`);
  const want = config.sampleShape;
  const [batch, ...row] = t.shape;
  const rowOk = row.length === want.length && row.every((n, i) => n === -1 || n === want[i]);
  if (!rowOk) {
    problems.push(`${where} has shape ${fmt(t.shape)}, expected ${fmt([-1, ...want])} (batch, ...sample_shape)`);
  } else if (batch !== -1) {
    problems.push(`${where} has a fixed batch of ${batch}; rounds send a variable number of rows (serve it with a variable batch dimension, e.g. max_batch_size > 0)`);
  }
}

function timestepPlan(t: TensorMetadata, problems: string[]): WirePlan {
  const where = `input "${t.name}"`;
  const dtype = TIMESTEP_DTYPES.find((d) => d === t.datatype);
  if (!dtype) problems.push(`${where} is ${t.datatype}; timesteps are sent as one of ${TIMESTEP_DTYPES.join(", ")}`);
  const rank1 = t.shape.length === 1 && t.shape[0] === -1;
  const rank2 = t.shape.length === 2 && t.shape[0] === -1 && (t.shape[1] === 1 || t.shape[1] === -1);
  if (!rank1 && !rank2) problems.push(`${where} has shape ${fmt(t.shape)}, expected [-1] or [-1, 1] (one timestep per row)`);
  return { timestepDtype: dtype ?? "INT64", timestepRank: rank2 ? 2 : 1 };
}

const fmt = (shape: readonly number[]): string => `[${shape.join(", ")}]`;
