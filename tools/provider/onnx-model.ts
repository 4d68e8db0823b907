// A learned denoiser from an ONNX file, evaluated on CPU with onnxruntime-node, for the reference
// provider. The model's own metadata fixes the row shape and the timestep type, so the same loader
// serves models/digits/model.onnx and any other (sample, timestep) -> prediction export.
import { InferenceSession, Tensor } from "onnxruntime-node";

export interface OnnxTensorNames {
  /** Noisy sample input, float32 [batch, ...sampleShape]. */
  readonly inputName: string;
  /** Timestep input, [batch] or [batch, 1], int64 / int32 / float32 / float64. */
  readonly timestepName: string;
  /** Prediction output, float32 [batch, ...sampleShape]. */
  readonly outputName: string;
}

export interface OnnxLoadOptions {
  /** onnxruntime intra-op threads (default 1: the reference models are small and the provider serves concurrent calls). */
  readonly threads?: number;
}

export type OnnxTimestepType = "int64" | "int32" | "float32" | "float64";

export interface OnnxDenoiser {
  /** Values per row: the product of sampleShape. */
  readonly dim: number;
  /** Shape of one row, without the batch dimension (e.g. [64]). */
  readonly sampleShape: readonly number[];
  /** Element type of the model's timestep input; evaluate() converts to it. */
  readonly timestepType: OnnxTimestepType;
  /** 1: the timestep input is [batch]; 2: [batch, 1]. */
  readonly timestepRank: 1 | 2;
  /** rows x dim values in (row-major), rows x dim values out; timesteps are integers, one per row. */
  evaluate(x: Float32Array, timesteps: Int32Array | readonly number[], rows: number): Promise<Float32Array>;
  /** Frees the native session; evaluate() must not be called afterwards. */
  release(): Promise<void>;
}

/** The tensor names models/digits/model.onnx uses (train/export_onnx.py). */
export const DIGITS_TENSOR_NAMES: OnnxTensorNames = { inputName: "sample", timestepName: "timestep", outputName: "epsilon" };

const TIMESTEP_TYPES: readonly OnnxTimestepType[] = ["int64", "int32", "float32", "float64"];

/** Loads the model and checks its declared inputs and output against the names; throws naming every mismatch. */
export async function loadOnnxDenoiser(
  path: string,
  names: OnnxTensorNames = DIGITS_TENSOR_NAMES,
  options: OnnxLoadOptions = {},
): Promise<OnnxDenoiser> {
  const session = await InferenceSession.create(path, {
    intraOpNumThreads: options.threads ?? 1,
    interOpNumThreads: 1,
    executionProviders: ["cpu"],
  });
  const sample = tensorMetadata(session.inputMetadata, names.inputName, "input", path);
  const timestep = tensorMetadata(session.inputMetadata, names.timestepName, "input", path);
  const output = tensorMetadata(session.outputMetadata, names.outputName, "output", path);
  const sampleShape = rowShape(sample, path);
  const outputShape = rowShape(output, path);
  if (sample.type !== "float32" || output.type !== "float32") {
    throw new TypeError(`${path}: sample and output must be float32 (they are ${sample.type}, ${output.type})`);
  }
  if (outputShape.join(",") !== sampleShape.join(",")) {
    throw new TypeError(`${path}: output row shape [${outputShape}] differs from sample row shape [${sampleShape}]`);
  }
  const timestepType = TIMESTEP_TYPES.find((t) => t === timestep.type);
  if (!timestepType) throw new TypeError(`${path}: timestep type ${timestep.type} is not one of ${TIMESTEP_TYPES.join(", ")}`);
  const timestepRank = timestep.shape.length === 2 ? 2 : 1;
  if (timestep.shape.length > 2 || (timestepRank === 2 && !(timestep.shape[1] === 1 || typeof timestep.shape[1] === "string"))) {
    throw new TypeError(`${path}: timestep shape [${timestep.shape}] is neither [batch] nor [batch, 1]`);
  }
  const dim = sampleShape.reduce((p, n) => p * n, 1);

  return {
    dim,
    sampleShape,
    timestepType,
    timestepRank,
    async evaluate(x, timesteps, rows) {
      checkBatch(x, timesteps, rows, dim);
      if (rows === 0) return new Float32Array(0);
      const feeds = {
        [names.inputName]: new Tensor("float32", x.subarray(0, rows * dim), [rows, ...sampleShape]),
        [names.timestepName]: timestepTensor(timesteps, rows, timestepType, timestepRank),
      };
      const result = await session.run(feeds, [names.outputName]);
      const out = result[names.outputName];
      if (!(out.data instanceof Float32Array) || out.data.length !== rows * dim) {
        throw new Error(`${path}: output ${names.outputName} has ${out.data.length} ${out.type} values, expected ${rows * dim} float32`);
      }
      return out.data;
    },
    release: () => session.release(),
  };
}

type TensorMeta = Extract<InferenceSession.ValueMetadata, { isTensor: true }>;

function tensorMetadata(list: readonly InferenceSession.ValueMetadata[], name: string, kind: string, path: string): TensorMeta {
  const meta = list.find((m) => m.name === name);
  if (!meta) throw new TypeError(`${path}: no ${kind} named "${name}" (it has ${list.map((m) => `"${m.name}"`).join(", ")})`);
  if (!meta.isTensor) throw new TypeError(`${path}: ${kind} "${name}" is not a tensor`);
  return meta;
}

// A row's shape must be static: only the batch dimension may be symbolic.
function rowShape(meta: TensorMeta, path: string): number[] {
  const row = meta.shape.slice(1);
  if (meta.shape.length < 2 || !row.every((n): n is number => typeof n === "number" && n > 0)) {
    throw new TypeError(`${path}: "${meta.name}" has shape [${meta.shape}]; expected [batch, fixed dims...]`);
  }
  return row;
}

function checkBatch(x: Float32Array, timesteps: ArrayLike<number>, rows: number, dim: number): void {
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`rows must be a non-negative integer, got ${rows}`);
  if (x.length < rows * dim) throw new RangeError(`x has ${x.length} values, ${rows} rows need ${rows * dim}`);
  if (timesteps.length < rows) throw new RangeError(`${timesteps.length} timesteps for ${rows} rows`);
  for (let i = 0; i < rows; i++) {
    if (!Number.isInteger(timesteps[i])) throw new RangeError(`timestep ${i} is ${timesteps[i]}, not an integer`);
  }
}

function timestepTensor(t: ArrayLike<number>, rows: number, type: OnnxTimestepType, rank: 1 | 2): Tensor {
  const dims = rank === 2 ? [rows, 1] : [rows];
  const values = Array.from({ length: rows }, (_, i) => t[i]);
  switch (type) {
    case "int64":
      return new Tensor("int64", BigInt64Array.from(values, (v) => BigInt(v)), dims);
    case "int32":
      return new Tensor("int32", Int32Array.from(values), dims);
    case "float32":
      return new Tensor("float32", Float32Array.from(values), dims);
    case "float64":
      return new Tensor("float64", Float64Array.from(values), dims);
  }
}
