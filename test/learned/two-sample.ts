// Two-sample test for 8x8 digit samples (64 values each): KS on fixed projections chosen for images
// (mean brightness, two central pixels, two pseudo-random mixes) and on the norm, Bonferroni over
// the six. Tests and the learned benchmark use the same one, so their p-values mean the same thing.
import { ksTwoSample } from "../helpers/stats.ts";

const DIM = 64;

const unit = (v: Float64Array): Float64Array => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

// Corner pixels are background in nearly every digit (and clipped to exactly -1): no power there.
const pixel = (row: number, col: number) => unit(Float64Array.from({ length: DIM }, (_, j) => (j === row * 8 + col ? 1 : 0)));
const mix = (a: number) => unit(Float64Array.from({ length: DIM }, (_, j) => Math.cos(2.3 * (a + 1) * (j + 1) + a)));

export const DIGIT_PROJECTIONS: readonly Float64Array[] = [
  unit(new Float64Array(DIM).fill(1)),
  pixel(2, 3),
  pixel(5, 4),
  mix(2),
  mix(3),
];

const project = (x: Float32Array, v: Float64Array): Float64Array =>
  Float64Array.from({ length: x.length / DIM }, (_, i) => {
    let s = 0;
    for (let j = 0; j < DIM; j++) s += x[i * DIM + j] * v[j];
    return s;
  });

const norms = (x: Float32Array): Float64Array => Float64Array.from({ length: x.length / DIM }, (_, i) => Math.hypot(...x.subarray(i * DIM, (i + 1) * DIM)));

/** Bonferroni-corrected p-value (min over the 6 KS p-values, times 6, capped at 1) of rows of 64 values. */
export const digitsTwoSampleP = (a: Float32Array, b: Float32Array): number => {
  if (a.length % DIM || b.length % DIM) throw new RangeError("samples must be rows of 64 values");
  const ps = DIGIT_PROJECTIONS.map((v) => ksTwoSample(project(a, v), project(b, v)).p);
  ps.push(ksTwoSample(norms(a), norms(b)).p);
  return Math.min(1, Math.min(...ps) * ps.length);
};
