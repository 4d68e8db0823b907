// What the committed row models' ONNX tests share: the reference.json written at export (PyTorch's
// inputs and outputs), the largest element-wise difference, and deterministic filler rows.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Reference {
  row_shape: number[];
  timestep: number[];
  sample: number[];
  epsilon: number[];
}

/** models/<name>/: model.onnx's path, its reference.json, the reference's row count and row size. */
export function loadReference(name: string): { modelPath: string; ref: Reference; rows: number; dim: number } {
  const dir = new URL(`../../models/${name}/`, import.meta.url);
  const ref = JSON.parse(readFileSync(new URL("reference.json", dir), "utf8")) as Reference;
  return {
    modelPath: fileURLToPath(new URL("model.onnx", dir)),
    ref,
    rows: ref.timestep.length,
    dim: ref.row_shape.reduce((p, n) => p * n, 1),
  };
}

export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
};

// Rows unlike the reference ones (deterministic), to surround the reference rows in a larger batch.
export function filler(rows: number, dim: number): { x: Float32Array; t: Int32Array } {
  const x = new Float32Array(rows * dim);
  const t = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    t[r] = (r * 389) % 1000;
    for (let j = 0; j < dim; j++) x[r * dim + j] = Math.sin(0.7 * r + 1.3 * j);
  }
  return { x, t };
}
