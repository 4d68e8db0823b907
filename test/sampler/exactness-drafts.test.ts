// Whole-chain exactness of the drafts beyond the papers (ALGORITHMS.md section 7): the gaussian draft
// (src/sampler/anchor.ts) under DDPM, DDPM with clipping, DDIM eta 1, Euler ancestral and flow matching (SDE
// and stochastic sampling), with bonus and without, free and frozen-target; token-wise freezing from the nearest
// evaluation (every token arm, eps and x0 included); and the latency-aware window (draft.window "auto") with a
// fixed latency model and with latency fitted from call timings (a simulated clock). Each arm against the
// sequential sampler of the same model and schedule: two-sample KS on 4 fixed projections and the norm |x|,
// Bonferroni over the 5 (tools/fixtures/two-sample-projections.ts).
// False-failure rate: each arm fails with probability <= ARM_ALPHA = 1e-4 when exact; family-wise over the 20
// arms of this file <= 20 * 1e-4 = 0.2%. Seeds are fixed, so a run is deterministic: the rate is that of a
// randomly chosen seed. References are memoised (computed on first use), so any arm runs alone.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mixture64, ring, sample } from "../../tools/fixtures/sampler.ts";
import { once, projectedP } from "../../tools/fixtures/two-sample-projections.ts";
import type { Denoiser } from "../../src/denoisers/port.ts";
import type { GaussianMixture } from "../../src/models/index.ts";
import type { DraftOptions } from "../../src/sampler/options.ts";
import type { BuildOptions } from "../../src/sampler/scheduler/index.ts";
import type { LatencyModel } from "../../src/sampler/latency.ts";

const ARM_ALPHA = 1e-4;
const STEPS = 20;

// With thousands of chains a call's fixed cost is shared thinly: at this one the auto window mixes plain steps
// and short windows; with rows free, it drafts long windows; the default curve is the measured fit's start.
const MIXED: LatencyModel = { rttMs: 80, c0Ms: 20, c1Ms: 0.02 };
const FREE_ROWS: LatencyModel = { rttMs: 1000, c0Ms: 0, c1Ms: 0 };
const SMALL_GPU: LatencyModel = { rttMs: 25, c0Ms: 2, c1Ms: 0.02 };

interface Form { name: string; scheduler: Record<string, unknown>; build?: BuildOptions }
const DDPM: Form = { name: "DDPM", scheduler: {} };
const CLIP: Form = { name: "DDPM clip_sample 2", scheduler: { clip_sample: true, clip_sample_range: 2.0 } };
const DDIM: Form = { name: "DDIM eta 1", scheduler: { _class_name: "DDIMScheduler" } };
const EULER: Form = { name: "Euler ancestral", scheduler: { _class_name: "EulerAncestralDiscreteScheduler" } };
const FLOW_SDE: Form = { name: "flow SDE 0.7 shift 3", scheduler: { _class_name: "FlowMatchEulerDiscreteScheduler", shift: 3 }, build: { noiseLevel: 0.7 } };
const FLOW_STOCH: Form = { name: "flow stochastic shift 3", scheduler: { _class_name: "FlowMatchEulerDiscreteScheduler", shift: 3, stochastic_sampling: true } };

const models: Record<string, { model: () => GaussianMixture; chains: number }> = {
  "ring-2d": { model: ring, chains: 10000 },
  "mixture d=64": { model: mixture64, chains: 4000 },
};

/** A denoiser whose calls advance a simulated clock by the curve's time: the measured latency fit sees exactly it. */
const clocked = (curve: LatencyModel) => {
  let now = 0;
  return {
    clock: () => now,
    wrap: (d: Denoiser): Denoiser => ({ dim: d.dim, evaluate: async (batch, signal) => { await d.evaluate(batch, signal); now += curve.rttMs + curve.c0Ms + curve.c1Ms * batch.rows; } }),
  };
};

interface Arm { model: string; form: Form; method: "token" | "block"; draft: Partial<DraftOptions>; measured?: LatencyModel }

const auto = (latency: LatencyModel, measured = false): Partial<DraftOptions> => ({ window: 32, auto: { latency, measured } });

const ARMS: Arm[] = [
  // The gaussian draft (the default freeze) under each step form.
  ...(["ring-2d", "mixture d=64"] as const).flatMap((model) =>
    (["token", "block"] as const).map((method): Arm => ({ model, form: DDPM, method, draft: { freeze: "gaussian", window: 8 } }))),
  { model: "mixture d=64", form: DDPM, method: "block", draft: { freeze: "gaussian", window: 4, bonus: false } },
  { model: "ring-2d", form: DDPM, method: "token", draft: { freeze: "gaussian", window: 6, type: "frozen-target" } },
  { model: "ring-2d", form: CLIP, method: "block", draft: { freeze: "gaussian", window: 8 } },
  { model: "ring-2d", form: DDIM, method: "token", draft: { freeze: "gaussian", window: 8 } },
  { model: "mixture d=64", form: EULER, method: "token", draft: { freeze: "gaussian", window: 8 } },
  { model: "mixture d=64", form: EULER, method: "block", draft: { freeze: "gaussian", window: 8 } },
  { model: "mixture d=64", form: FLOW_SDE, method: "token", draft: { freeze: "gaussian", window: 8 } },
  { model: "mixture d=64", form: FLOW_SDE, method: "block", draft: { freeze: "gaussian", window: 8 } },
  { model: "ring-2d", form: FLOW_STOCH, method: "token", draft: { freeze: "gaussian", window: 8 } },
  // Token-wise freezing from the nearest evaluation with eps and x0 freeze, without bonus (no row after the last draft).
  { model: "mixture d=64", form: DDPM, method: "token", draft: { freeze: "eps", window: 8 } },
  { model: "ring-2d", form: DDPM, method: "token", draft: { freeze: "x0", window: 4, bonus: false } },
  // The latency-aware window: fixed latency models, and latency fitted from a simulated clock.
  { model: "mixture d=64", form: DDPM, method: "block", draft: auto(MIXED) },
  { model: "mixture d=64", form: DDPM, method: "token", draft: auto(MIXED) },
  { model: "ring-2d", form: DDPM, method: "block", draft: auto(FREE_ROWS) },
  { model: "mixture d=64", form: EULER, method: "block", draft: auto(SMALL_GPU, true), measured: MIXED },
  { model: "ring-2d", form: DDPM, method: "token", draft: auto(SMALL_GPU, true), measured: MIXED },
];

const references = new Map<string, () => Promise<Float32Array>>();
const reference = (model: string, form: Form): (() => Promise<Float32Array>) => {
  const key = `${model}|${form.name}`;
  if (!references.has(key)) {
    const { model: m, chains } = models[model];
    const seed = 9100 + references.size;
    references.set(key, once(async () => (await sample({ model: m(), steps: STEPS, method: "sequential", chains, seed, scheduler: form.scheduler, build: form.build })).samples));
  }
  return references.get(key)!;
};

describe("exactness of the drafts beyond the papers", () => {
  ARMS.forEach((arm, i) => {
    const d = arm.draft;
    const label = `${arm.model} ${arm.form.name}: ${arm.method} ${d.type ?? "free"} freeze=${d.freeze ?? "gaussian"} ${d.auto ? `auto${d.auto.measured ? " measured" : ""}` : `L=${d.window}`}${d.bonus === false ? " no-bonus" : ""}`;
    const ref = reference(arm.model, arm.form);
    test(label, async () => {
      const { model: m, chains } = models[arm.model];
      const sim = arm.measured ? clocked(arm.measured) : null;
      const run = await sample({
        model: m(), steps: STEPS, method: arm.method, draft: d, chains, seed: 9500 + i, scheduler: arm.form.scheduler, build: arm.form.build,
        wrap: sim?.wrap, hooks: sim ? { clock: sim.clock } : undefined,
      });
      assert.ok((run.stats.acceptance ?? 0) > 0, `${label}: no draft accepted`);
      const p = projectedP(run.samples, await ref(), m().dim);
      if (process.env.EXACTNESS_VERBOSE) console.log(`${label}: corrected p = ${p.toFixed(4)}, ${run.stats.rounds} rounds, ${run.stats.target_rows} rows`);
      assert.ok(p > ARM_ALPHA, `${label}: corrected p = ${p.toExponential(2)} <= ${ARM_ALPHA}`);
    });
  });
});
