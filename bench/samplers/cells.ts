// What bench:samplers measures: the samplers (diffusers scheduler configs and build options), the models
// (analytic built-ins through the tests' fixture, digits in process), one cell, and per-band step statistics.
import { builtinModel } from "../../src/models/index.ts";
import { DEFAULT_DRAFT, type DraftOptions, type Freeze, type Method } from "../../src/sampler/options.ts";
import { runSampler, type SampleRun } from "../../src/sampler/run.ts";
import { buildSchedule, parseSchedulerConfig, type BuildOptions } from "../../src/sampler/scheduler/index.ts";
import type { Schedule, ScheduleStep } from "../../src/sampler/scheduler/types.ts";
import type { StepSummary } from "../../src/sampler/summary.ts";
import { newCore } from "../../tools/fixtures/core.ts";
import { schedule as fixtureSchedule } from "../../tools/fixtures/sampler.ts";
import { meanCI, runEmbedded, weightedStepMean } from "../harness.ts";
import { digitsTarget } from "../learned/targets.ts";

export interface Sampler {
  id: string;
  scheduler: Record<string, unknown>;
  build: BuildOptions;
  /** Flow matching: a velocity model's sampler (analytic models only); the API refuses eps freeze for it. */
  flow: boolean;
}

const FM = "FlowMatchEulerDiscreteScheduler";
const EA = "EulerAncestralDiscreteScheduler";
export const SAMPLERS: Sampler[] = [
  { id: "DDPM (reference)", scheduler: {}, build: {}, flow: false },
  { id: "DDIM eta 1", scheduler: { _class_name: "DDIMScheduler" }, build: { eta: 1 }, flow: false },
  { id: "Euler ancestral", scheduler: { _class_name: EA }, build: {}, flow: false },
  { id: "Euler ancestral Karras", scheduler: { _class_name: EA, use_karras_sigmas: true }, build: {}, flow: false },
  { id: "flow stochastic_sampling", scheduler: { _class_name: FM, stochastic_sampling: true }, build: {}, flow: true },
  ...[0.3, 0.7, 1.0].map((a) => ({ id: `flow SDE noise_level ${a.toFixed(1)}`, scheduler: { _class_name: FM }, build: { noiseLevel: a }, flow: true })),
];

export interface RunArgs { sampler: Sampler; steps: number; method: Method; draft: Partial<DraftOptions>; chains: number; seed: number }

export interface Target {
  id: string;
  /** An analytic mixture: the score is exact for any parameterisation, so flow matching samples it too. */
  analytic: boolean;
  run(a: RunArgs): Promise<SampleRun>;
  /** The plan `run` samples with. */
  schedule(s: Sampler, steps: number): Schedule;
  release(): Promise<void>;
}

/** gmm-512 or glyphs through the fixture (clip_sample false, the analytic models' DDPM betas). */
export const analyticTarget = (id: string): Target => {
  const model = builtinModel(id);
  if (!model) throw new Error(`no built-in model ${id}`);
  return {
    id, analytic: true, release: async () => {},
    schedule: (s, steps) => fixtureSchedule(steps, s.scheduler, s.build),
    run: (a) => runEmbedded({ model, steps: a.steps, method: a.method, draft: a.draft, chains: a.chains, seed: a.seed, scheduler: a.sampler.scheduler, build: a.sampler.build }),
  };
};

/** digits in process; each sampler's class replaces the model's own in its scheduler_config.json (betas, spacing kept). */
export const digits = async (): Promise<Target> => {
  const t = await digitsTarget();
  const schedule = (s: Sampler, steps: number) => buildSchedule(parseSchedulerConfig({ ...t.scheduler, ...s.scheduler }), steps, s.build);
  return {
    id: "digits", analytic: false, release: t.release, schedule,
    run: (a) => {
      const core = newCore();
      const draft = { ...DEFAULT_DRAFT, ...a.draft };
      return runSampler(core, t.denoiser(core), { method: a.method, draft, schedule: schedule(a.sampler, a.steps), numChains: a.chains, seed: a.seed });
    },
  };
};

export interface Cell {
  model: string;
  sampler: string;
  n: number;
  method: Method;
  freeze: Freeze | null;
  window: number | null;
  rounds: { mean: number; half: number };
  acceptance: number | null;
  delta: number | null;
  rowsPerSample: number;
  perStep: StepSummary[];
  /** Per step: how far the step mean moves per unit of x0_hat, in units of its noise std (null: deterministic step). */
  sensitivity: (number | null)[];
}

/** |d mean / d x0_hat| / std, eps_hat = (x - a x0_hat) / s: x0 freeze's delta is this times the x0_hat drift's norm. */
export const sensitivity = (st: ScheduleStep): number | null => (st.sigma > 0 ? Math.abs(st.x0Coef - (st.epsCoef * st.a) / st.s) / st.sigma : null);

export const measure = async (t: Target, a: RunArgs): Promise<Cell> => {
  const run = await t.run(a);
  const seq = a.method === "sequential";
  return {
    model: t.id, sampler: a.sampler.id, n: a.steps, method: a.method,
    freeze: seq ? null : (a.draft.freeze ?? DEFAULT_DRAFT.freeze), window: seq ? null : (a.draft.window ?? DEFAULT_DRAFT.window),
    rounds: meanCI(run.stats.chains.map((c) => c.rounds)),
    acceptance: run.stats.acceptance,
    delta: weightedStepMean(run.stats.per_step, "delta"),
    rowsPerSample: run.stats.target_rows / a.chains,
    perStep: run.stats.per_step,
    sensitivity: t.schedule(a.sampler, a.steps).steps.map(sensitivity),
  };
};

export interface Band {
  from: number;
  to: number;
  tFrom: number;
  tTo: number;
  delta: number | null;
  acceptance: number | null;
  verified: number;
  /** Median sensitivity of the band's stochastic steps, and the x0_hat drift delta / sensitivity (verified-weighted). */
  sensitivity: number | null;
  drift: number | null;
}

const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : null);

/** The schedule split by step index into `count` bands; delta, acceptance and drift weighted by verified drafts. */
export const bands = (c: Cell, count: number): Band[] =>
  Array.from({ length: count }, (_, b) => {
    const steps = c.perStep;
    const from = Math.floor((b * steps.length) / count), to = Math.floor(((b + 1) * steps.length) / count) - 1;
    const part = steps.slice(from, to + 1).filter((s) => s.verified > 0);
    const verified = part.reduce((x, s) => x + s.verified, 0);
    const mean = (key: "delta" | "acceptance") => (verified ? part.reduce((x, s) => x + (s[key] ?? 0) * s.verified, 0) / verified : null);
    const sens = c.sensitivity.slice(from, to + 1).filter((k): k is number => k !== null);
    const finite = part.filter((s) => c.sensitivity[s.step] !== null);
    const n = finite.reduce((x, s) => x + s.verified, 0);
    const drift = n ? finite.reduce((x, s) => x + ((s.delta ?? 0) / c.sensitivity[s.step]!) * s.verified, 0) / n : null;
    return { from, to, tFrom: steps[from].t, tTo: steps[to].t, delta: mean("delta"), acceptance: mean("acceptance"), verified, sensitivity: median(sens), drift };
  });
