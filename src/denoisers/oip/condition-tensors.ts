// The inputs a conditional model takes besides sample and timestep, for one call's rows: class ids
// (INT64), prompt embeddings (the wire dtype), and for a model that guides itself its guidance scales
// (FP32) and negative-prompt embeddings.
import type { DenoiserBatch } from "../port.ts";
import type { OipModelConfig } from "./config.ts";
import type { WirePlan } from "./metadata.ts";
import { encodeSample, sampleJsonValues } from "./tensors.ts";

/** One extra input tensor of a call: its bytes for the binary extension, its values for JSON. */
export interface ExtraTensor {
  name: string;
  datatype: string;
  shape: number[];
  bytes: Uint8Array;
  json(): number[];
}

const embeddingValues = (shape: readonly number[]) => shape.reduce((p, n) => p * n, 1);

/** The conditioning (and provider-guidance) tensors of rows start..start+count-1; none for an unconditional model. */
export function conditionTensors(config: OipModelConfig, wire: WirePlan, batch: DenoiserBatch, start: number, count: number): ExtraTensor[] {
  // A per-row scalar goes as [rows] or, where the model declares a column, [rows, 1].
  const scalarShape = (name: string) => (wire.columnInputs?.includes(name) ? [count, 1] : [count]);
  const c = config.conditioning;
  if (!c) return [];
  const condition = batch.condition;
  // A programming error, not a request error: the API wraps every conditional model in conditioned.ts.
  if (!condition) throw new Error(`model "${config.modelName}" is conditional but its rows carry no condition`);
  const tensors: ExtraTensor[] = [];
  if (c.kind === "class_labels") {
    const ids = new BigInt64Array(count);
    for (let r = 0; r < count; r++) {
      const v = condition(start + r);
      if (!("classLabel" in v)) throw new Error(`model "${config.modelName}" takes class labels; row ${start + r} carries an embedding`);
      ids[r] = BigInt(v.classLabel);
    }
    tensors.push({ name: c.input, datatype: "INT64", shape: scalarShape(c.input), bytes: new Uint8Array(ids.buffer), json: () => Array.from(ids, Number) });
  } else {
    tensors.push(embeddingTensor(config, c.input, c.embeddingShape, count, (r) => {
      const v = condition(start + r);
      if (!("embedding" in v)) throw new Error(`model "${config.modelName}" takes prompt embeddings; row ${start + r} carries a class label`);
      return v.embedding;
    }));
  }
  const g = config.guidance;
  if (g) {
    const scales = new Float32Array(count);
    const scaleOf = batch.guidanceScale;
    if (!scaleOf) throw new Error(`model "${config.modelName}" guides itself but its rows carry no guidance scale`);
    for (let r = 0; r < count; r++) scales[r] = scaleOf(start + r);
    tensors.push({ name: g.input, datatype: "FP32", shape: scalarShape(g.input), bytes: new Uint8Array(scales.buffer), json: () => Array.from(scales) });
    if (g.negativeInput && c.kind === "prompt") {
      tensors.push(embeddingTensor(config, g.negativeInput, c.embeddingShape, count, (r) => {
        const v = condition(start + r);
        const negative = "embedding" in v ? v.negative : undefined;
        if (!negative) throw new Error(`model "${config.modelName}" takes a negative embedding; row ${start + r} has none`);
        return negative;
      }));
    }
  }
  return tensors;
}

function embeddingTensor(config: OipModelConfig, name: string, shape: readonly number[], count: number, row: (r: number) => Float32Array): ExtraTensor {
  const n = embeddingValues(shape);
  const width = config.wireDtype === "FP16" ? 2 : 4;
  const bytes = new Uint8Array(count * n * width);
  for (let r = 0; r < count; r++) {
    const e = row(r);
    if (e.length !== n) throw new Error(`model "${config.modelName}": an embedding of ${e.length} values for input "${name}" of ${n}`);
    bytes.set(encodeSample(e, config.wireDtype), r * n * width);
  }
  return {
    name,
    datatype: config.wireDtype,
    shape: [count, ...shape],
    bytes,
    json: () => Array.from({ length: count }, (_, r) => sampleJsonValues(row(r), config.wireDtype)).flat(),
  };
}
