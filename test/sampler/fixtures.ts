// Shared set-up of the sampler tests: a fresh core, an embedded mixture, a schedule, one run.
import { newCore } from "../helpers/core.ts";
import { embeddedDenoiser } from "../../src/denoisers/embedded.ts";
import type { Denoiser } from "../../src/denoisers/port.ts";
import { makeMixture, type GaussianMixture } from "../../src/models/index.ts";
import { builtinModel } from "../../src/models/index.ts";
import { buildSchedule, parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import { DEFAULT_DRAFT, type DraftOptions, type Method, type SamplerOptions } from "../../src/sampler/options.ts";
import { runSampler, type RunHooks } from "../../src/sampler/run.ts";

/** The analytic models sit outside [-1, 1]: no clipping. */
export const schedule = (steps: number, overrides: Record<string, unknown> = {}) =>
  buildSchedule(parseSchedulerConfig({ clip_sample: false, ...overrides }), steps);

export const ring = (): GaussianMixture => builtinModel("ring-2d")!;

/** A 64-dimensional mixture with 4 well-separated components and unequal weights. */
export const mixture64 = (): GaussianMixture => {
  const d = 64, k = 4;
  const means = new Float32Array(k * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] = Math.sin(1.7 * (c + 1) * (j + 1)) * 1.2;
  return makeMixture("mix-64", [d], means, [1, 2, 3, 4], 0.4);
};

export interface RunSpec {
  model: GaussianMixture;
  steps: number;
  method: Method;
  draft?: Partial<DraftOptions>;
  chains: number;
  seed: number;
  firstChain?: number;
  scheduler?: Record<string, unknown>;
  wrap?: (d: Denoiser) => Denoiser;
  hooks?: RunHooks;
}

export const sample = async (spec: RunSpec) => {
  const core = newCore();
  const base = embeddedDenoiser(core, spec.model);
  const denoiser = spec.wrap ? spec.wrap(base) : base;
  const opts: SamplerOptions = {
    method: spec.method,
    draft: { ...DEFAULT_DRAFT, ...spec.draft },
    schedule: schedule(spec.steps, spec.scheduler),
    numChains: spec.chains,
    seed: spec.seed,
    firstChain: spec.firstChain,
  };
  return runSampler(core, denoiser, opts, spec.hooks);
};

/** Projection of row-major samples (n x d) on direction v. */
export const project = (samples: Float32Array, d: number, v: ArrayLike<number>): Float64Array => {
  const n = samples.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += samples[i * d + j] * v[j];
    out[i] = s;
  }
  return out;
};

/** Fixed unit directions: the coordinate axes' first two and two pseudo-random mixes. */
export const directions = (d: number): Float64Array[] => {
  const dirs: Float64Array[] = [];
  for (let a = 0; a < 4; a++) {
    const v = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = a < 2 && d > 1 ? (j === a ? 1 : 0) : Math.cos(2.3 * (a + 1) * (j + 1) + a);
    const norm = Math.hypot(...v);
    dirs.push(v.map((x) => x / norm));
  }
  return dirs;
};
