// Shared pieces of the benchmarks: one sampler run on an embedded model (the tests' own fixture, so a
// benchmark measures exactly what the exactness tests check), interval arithmetic and table formatting.
import type { StepSummary } from "../src/sampler/summary.ts";
export { sample as runEmbedded, type RunSpec as BenchRun } from "../tools/fixtures/sampler.ts";

/** Mean and 95% normal-approximation half-width of the mean. */
export const meanCI = (xs: number[]): { mean: number; half: number } => {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, half: 1.96 * Math.sqrt(v / n) };
};

export const fmt = (x: number, digits = 2) => x.toFixed(digits);
/** fmt, or "-" for a figure that does not exist. */
export const fmtOpt = (x: number | null, digits = 3) => (x === null ? "-" : fmt(x, digits));

/** A per-step mean over all verified drafts (each step weighted by its count); null when none was verified. */
export const weightedStepMean = (steps: StepSummary[], key: "delta" | "coupling_acceptance"): number | null => {
  const v = steps.filter((s) => s.verified > 0);
  const n = v.reduce((a, s) => a + s.verified, 0);
  return n ? v.reduce((a, s) => a + (s[key] ?? 0) * s.verified, 0) / n : null;
};
