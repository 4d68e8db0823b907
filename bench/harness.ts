// Shared pieces of the benchmarks: one sampler run on an embedded model (the tests' own fixture, so a
// benchmark measures exactly what the exactness tests check), and interval arithmetic.
export { sample as runEmbedded, type RunSpec as BenchRun } from "../test/sampler/fixtures.ts";

/** Mean and 95% normal-approximation half-width of the mean. */
export const meanCI = (xs: number[]): { mean: number; half: number } => {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, half: 1.96 * Math.sqrt(v / n) };
};

export const fmt = (x: number, digits = 2) => x.toFixed(digits);
