// Shared pieces of the benchmarks: one sampler run on an embedded model, and interval arithmetic.
import { instantiateCore } from "../src/core/instance.ts";
import { loadCoreModule } from "../tools/core-module.ts";
import { embeddedDenoiser } from "../src/denoisers/embedded.ts";
import type { GaussianMixture } from "../src/models/index.ts";
import { buildSchedule, parseSchedulerConfig } from "../src/sampler/scheduler/index.ts";
import { DEFAULT_DRAFT, type DraftOptions, type Method } from "../src/sampler/options.ts";
import { runSampler } from "../src/sampler/run.ts";

export const coreModule = loadCoreModule();

export interface BenchRun {
  model: GaussianMixture;
  steps: number;
  method: Method;
  draft?: Partial<DraftOptions>;
  chains: number;
  seed: number;
}

export const runEmbedded = async (r: BenchRun) => {
  const core = instantiateCore(coreModule);
  const schedule = buildSchedule(parseSchedulerConfig({ clip_sample: false }), r.steps);
  return runSampler(core, embeddedDenoiser(core, r.model), {
    method: r.method, draft: { ...DEFAULT_DRAFT, ...r.draft }, schedule, numChains: r.chains, seed: r.seed,
  });
};

/** Mean and 95% normal-approximation half-width of the mean. */
export const meanCI = (xs: number[]): { mean: number; half: number } => {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const v = n > 1 ? xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) : 0;
  return { mean, half: 1.96 * Math.sqrt(v / n) };
};

export const fmt = (x: number, digits = 2) => x.toFixed(digits);
