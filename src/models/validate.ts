// Checks an inline mixture from a request and names the offending field in every error.
import { InvalidRequestError, LimitError } from "../errors.ts";
import { MIXTURE_LIMITS as L, makeMixture, type GaussianMixture } from "./mixture.ts";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

// f32 storage: a value that is finite in f64 but overflows f32 would become infinite in the core.
const finiteF32 = (v: unknown): v is number => typeof v === "number" && Number.isFinite(Math.fround(v));

/**
 * Validates `{"type":"gmm","means":[[...],...],"weights":[...]?,"std":s,"shape":[...]?}`, or with
 * `"stds":[c_1, ..., c_K]` (one std per component) in place of `"std"`; exactly one of the two.
 * Weights default to uniform and are normalised; shape defaults to [d]. Throws
 * InvalidRequestError / LimitError whose `field` is the dotted path under `path`.
 */
export const validateMixture = (input: unknown, path = "model"): GaussianMixture => {
  if (!isObject(input)) throw new InvalidRequestError(path, `${path} must be an object or a built-in model id`);
  if (input.type !== "gmm") throw new InvalidRequestError(`${path}.type`, `${path}.type must be "gmm"`);
  const { means, dim } = readMeans(input.means, `${path}.means`);
  const k = means.length / dim;
  const weights = readWeights(input.weights, k, `${path}.weights`);
  const std = input.stds === undefined ? readStd(input.std, `${path}.std`) : readStds(input.stds, input.std, k, `${path}.stds`);
  const shape = readShape(input.shape, dim, `${path}.shape`);
  return makeMixture("inline", shape, means, weights, std);
};

function readMeans(v: unknown, field: string): { means: Float32Array; dim: number } {
  if (!Array.isArray(v) || v.length === 0) throw new InvalidRequestError(field, `${field} must be a non-empty array of mean vectors`);
  if (v.length > L.maxComponents) throw new LimitError(field, `${field} has ${v.length} components; at most ${L.maxComponents}`);
  const first: unknown = v[0];
  if (!Array.isArray(first) || first.length === 0) throw new InvalidRequestError(`${field}[0]`, `${field}[0] must be a non-empty array of numbers`);
  const dim = first.length;
  if (dim > L.maxDim) throw new LimitError(`${field}[0]`, `${field}[0] has dimension ${dim}; at most ${L.maxDim}`);
  if (v.length * dim > L.maxMeanValues) throw new LimitError(field, `${field} holds ${v.length} x ${dim} values; at most ${L.maxMeanValues}`);
  const means = new Float32Array(v.length * dim);
  v.forEach((row: unknown, k) => {
    if (!Array.isArray(row)) throw new InvalidRequestError(`${field}[${k}]`, `${field}[${k}] must be an array of numbers`);
    if (row.length !== dim) throw new InvalidRequestError(`${field}[${k}]`, `${field}[${k}] has length ${row.length}; ${field}[0] has ${dim}`);
    for (let j = 0; j < dim; j++) {
      const x: unknown = row[j];
      if (!finiteF32(x)) throw new InvalidRequestError(`${field}[${k}][${j}]`, `${field}[${k}][${j}] must be a finite number (f32 range)`);
      means[k * dim + j] = x;
    }
  });
  return { means, dim };
}

function readWeights(v: unknown, k: number, field: string): number[] {
  if (v === undefined) return new Array<number>(k).fill(1);
  if (!Array.isArray(v) || v.length !== k) throw new InvalidRequestError(field, `${field} must be an array of ${k} weights, one per mean`);
  let total = 0;
  v.forEach((w: unknown, i) => {
    if (typeof w !== "number" || !Number.isFinite(w) || w <= 0) throw new InvalidRequestError(`${field}[${i}]`, `${field}[${i}] must be a finite number > 0`);
    total += w;
  });
  if (!Number.isFinite(total)) throw new InvalidRequestError(field, `${field} sum overflows`);
  return v as number[];
}

function readStd(v: unknown, field: string): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < L.minStd || v > L.maxStd) {
    throw new InvalidRequestError(field, `${field} must be a number in [${L.minStd}, ${L.maxStd}]`);
  }
  return v;
}

function readStds(v: unknown, std: unknown, k: number, field: string): number[] {
  if (std !== undefined) throw new InvalidRequestError(field, `${field} replaces the common std: give one of std and stds, not both`);
  if (!Array.isArray(v) || v.length !== k) throw new InvalidRequestError(field, `${field} must be an array of ${k} standard deviations, one per mean`);
  v.forEach((c: unknown, i) => readStd(c, `${field}[${i}]`));
  return v as number[];
}

function readShape(v: unknown, dim: number, field: string): number[] {
  if (v === undefined) return [dim];
  const ok = Array.isArray(v) && v.length > 0 && v.every((n) => Number.isInteger(n) && n > 0);
  if (!ok) throw new InvalidRequestError(field, `${field} must be a non-empty array of positive integers`);
  const product = (v as number[]).reduce((p, n) => p * n, 1);
  if (product !== dim) throw new InvalidRequestError(field, `${field} has ${product} elements; the means have dimension ${dim}`);
  return v as number[];
}
