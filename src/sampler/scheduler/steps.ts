// The sampling plan: timesteps, and for each step its mean coefficients and noise std.
import { InvalidRequestError } from "../../errors.ts";
import { alphasCumprodFor } from "./betas.ts";
import { ddimStep, ddpmStep } from "./coefficients.ts";
import { checkStepF32 } from "./f32.ts";
import { checkNumSteps, timestepsFor } from "./timesteps.ts";
import { buildSigmaSchedule } from "./steps-sigma.ts";
import type { Schedule, ScheduleStep, SchedulerConfig } from "./types.ts";

// diffusers' DDIMScheduler.step defaults to eta = 0 (deterministic); this product samples stochastic chains.
export const DEFAULT_ETA = 1;

export interface BuildOptions {
  // DDIM noise scale in [0, 1]; ignored for DDPM.
  readonly eta?: number;
  // Custom descending timesteps (length numInferenceSteps) instead of the config's spacing.
  readonly timesteps?: readonly number[];
  // How prev_t is found. 'stride': t - T // N, what diffusers' DDPM and DDIM step() use for every spacing
  // (so with trailing / linspace, prev_t may differ from the next timestep); 'next': the next entry, -1 after
  // the last, what diffusers' DDPM uses for custom timesteps. Default: 'next' with custom timesteps, else 'stride'.
  readonly prevTimestep?: "stride" | "next";
  // DDIM: recompute eps_hat from the clipped x0_hat (diffusers step(use_clipped_model_output=True)).
  readonly useClippedModelOutput?: boolean;
  // Request field names for errors.
  readonly stepsField?: string;
  readonly etaField?: string;
  readonly timestepsField?: string;
  readonly configField?: string;
  // Flow matching: the SDE's noise level, custom sigmas, and dynamic shifting's mu (or the image sequence length).
  readonly noiseLevel?: number;
  readonly sigmas?: readonly number[];
  readonly mu?: number;
  readonly imageSeqLen?: number;
}

// Builds the plan for numInferenceSteps steps; pure and deterministic.
export function buildSchedule(config: SchedulerConfig, numInferenceSteps: number, opts: BuildOptions = {}): Schedule {
  const T = config.numTrainTimesteps;
  const configField = opts.configField ?? "scheduler";
  if (config.kind !== "ddpm" && config.kind !== "ddim") return buildSigmaFamily(config, numInferenceSteps, opts, configField);
  const eta = config.kind === "ddim" ? checkEta(opts.eta ?? DEFAULT_ETA, opts.etaField ?? "eta") : null;
  const timesteps = opts.timesteps
    ? checkCustom(opts.timesteps, numInferenceSteps, T, opts)
    : timestepsFor(config, numInferenceSteps, opts.stepsField ?? "steps", configField);
  const rule = opts.prevTimestep ?? (opts.timesteps ? "next" : "stride");
  const stride = Math.floor(T / numInferenceSteps);
  const ac = alphasCumprodFor(config);
  // Value of a_s after the last step: diffusers' DDPM uses 1; DDIM uses 1 or alphas_cumprod[0].
  const finalAlpha = config.kind === "ddim" && !config.setAlphaToOne ? ac[0] : 1;
  const steps = timesteps.map((t, k): ScheduleStep => {
    const prev_t = rule === "stride" ? t - stride : k + 1 < timesteps.length ? timesteps[k + 1] : -1;
    const a_t = ac[t];
    const a_s = prev_t >= 0 ? ac[prev_t] : finalAlpha;
    const step = eta === null
      ? ddpmStep(t, prev_t, a_t, a_s, config.varianceType)
      : ddimStep(t, prev_t, a_t, a_s, eta, opts.useClippedModelOutput ?? false);
    // The core computes in f32: a schedule it cannot carry is refused here (422), not met as NaN mid-run.
    checkStepF32(step, config, configField);
    return step;
  });
  return {
    kind: config.kind,
    predictionType: config.predictionType,
    numTrainTimesteps: T,
    eta,
    clipRange: config.clipSample ? config.clipSampleRange : null,
    alphasCumprod: ac,
    timesteps,
    steps,
    family: "vp",
    initNoiseSigma: 1,
  };
}

// Euler and flow matching: sigmas from diffusers' rules, each step checked for f32 like the beta schedules'.
function buildSigmaFamily(config: SchedulerConfig, n: number, opts: BuildOptions, configField: string): Schedule {
  const plan = buildSigmaSchedule(config, n, {
    noiseLevel: opts.noiseLevel, sigmas: opts.sigmas, mu: opts.mu, imageSeqLen: opts.imageSeqLen,
    configField, stepsField: opts.stepsField ?? "steps",
  });
  for (const step of plan.steps) checkStepF32(step, config, configField);
  return {
    kind: config.kind,
    predictionType: config.predictionType,
    numTrainTimesteps: config.numTrainTimesteps,
    eta: null,
    clipRange: null,
    alphasCumprod: plan.alphasCumprod,
    timesteps: plan.timesteps,
    steps: plan.steps,
    family: config.kind === "flow_match" ? "flow" : "sigma",
    initNoiseSigma: plan.initNoiseSigma,
  };
}

// eta above 1 can make 1 - a_s - sigma^2 negative; eta = 0 is plain deterministic DDIM.
function checkEta(eta: number, field: string): number {
  if (typeof eta === "number" && eta >= 0 && eta <= 1) return eta;
  throw new InvalidRequestError(field, `eta must be a number in [0, 1], got ${eta}`);
}

// Custom timesteps: integers, strictly descending, within [0, T - 1], as diffusers requires.
function checkCustom(ts: readonly number[], n: number, T: number, opts: BuildOptions): number[] {
  const field = opts.timestepsField ?? "timesteps";
  checkNumSteps(n, T, opts.stepsField ?? "steps");
  if (ts.length !== n) throw new InvalidRequestError(field, `expected ${n} timesteps, got ${ts.length}`);
  ts.forEach((t, k) => {
    if (!Number.isInteger(t) || t < 0 || t > T - 1) {
      throw new InvalidRequestError(`${field}[${k}]`, `timesteps must be integers in 0..${T - 1}`);
    }
    if (k > 0 && t >= ts[k - 1]) throw new InvalidRequestError(`${field}[${k}]`, "timesteps must be strictly descending");
  });
  return [...ts];
}
