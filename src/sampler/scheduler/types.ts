// Typed scheduler configuration and plan; the diffusers key each field comes from is named beside it.

export const SCHEDULER_KINDS = ["ddpm", "ddim", "euler_ancestral", "euler", "flow_match"] as const;
export type SchedulerKind = (typeof SCHEDULER_KINDS)[number];

/** The diffusers classes this product samples, by _class_name. */
export const SCHEDULER_CLASSES: Readonly<Record<string, SchedulerKind>> = {
  DDPMScheduler: "ddpm",
  DDIMScheduler: "ddim",
  EulerAncestralDiscreteScheduler: "euler_ancestral",
  EulerDiscreteScheduler: "euler",
  FlowMatchEulerDiscreteScheduler: "flow_match",
};

/** How a state relates to data at a step: x = a x0 + s eps. vp: (sqrt(abar), sqrt(1 - abar)); sigma: (1, sigma), the
 * model seeing x / sqrt(sigma^2 + 1); flow: (1 - sigma, sigma). */
export type NoiseFamily = "vp" | "sigma" | "flow";

export const BETA_SCHEDULES = ["linear", "scaled_linear", "squaredcos_cap_v2"] as const;
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];

export const TIMESTEP_SPACINGS = ["leading", "trailing", "linspace"] as const;
export type TimestepSpacing = (typeof TIMESTEP_SPACINGS)[number];

export const PREDICTION_TYPES = ["epsilon", "sample", "v_prediction"] as const;
/** A config's prediction_type, or "flow": a flow-matching model's velocity v = noise - x0. */
export type PredictionType = (typeof PREDICTION_TYPES)[number] | "flow";

// fixed_small_log gives diffusers the same std as fixed_small: exp(0.5 * log(max(var, 1e-20))).
export const VARIANCE_TYPES = ["fixed_small", "fixed_small_log", "fixed_large"] as const;
export type VarianceType = (typeof VARIANCE_TYPES)[number];

export interface SchedulerConfig {
  readonly kind: SchedulerKind; // _class_name DDPMScheduler | DDIMScheduler, or the request's type
  readonly numTrainTimesteps: number; // num_train_timesteps
  readonly betaStart: number; // beta_start
  readonly betaEnd: number; // beta_end
  readonly betaSchedule: BetaSchedule; // beta_schedule
  readonly trainedBetas: readonly number[] | null; // trained_betas (wins over beta_schedule)
  readonly timestepSpacing: TimestepSpacing; // timestep_spacing
  readonly stepsOffset: number; // steps_offset
  readonly predictionType: PredictionType; // prediction_type
  readonly varianceType: VarianceType; // variance_type (DDPM only)
  readonly clipSample: boolean; // clip_sample
  readonly clipSampleRange: number; // clip_sample_range
  readonly setAlphaToOne: boolean; // set_alpha_to_one (DDIM only)
  readonly useKarrasSigmas: boolean; // use_karras_sigmas (Euler, flow matching)
  readonly flow: FlowMatchConfig; // FlowMatchEulerDiscreteScheduler keys (flow_match only)
}

/** FlowMatchEulerDiscreteScheduler's keys, with diffusers' defaults. */
export interface FlowMatchConfig {
  readonly shift: number; // shift
  readonly useDynamicShifting: boolean; // use_dynamic_shifting
  readonly baseShift: number; // base_shift
  readonly maxShift: number; // max_shift
  readonly baseImageSeqLen: number; // base_image_seq_len
  readonly maxImageSeqLen: number; // max_image_seq_len
  readonly shiftTerminal: number | null; // shift_terminal
  readonly timeShiftType: "exponential" | "linear"; // time_shift_type
  readonly useExponentialSigmas: boolean; // use_exponential_sigmas
  readonly useBetaSigmas: boolean; // use_beta_sigmas
  readonly stochasticSampling: boolean; // stochastic_sampling
}

export const FLOW_DEFAULTS: FlowMatchConfig = {
  shift: 1,
  useDynamicShifting: false,
  baseShift: 0.5,
  maxShift: 1.15,
  baseImageSeqLen: 256,
  maxImageSeqLen: 4096,
  shiftTerminal: null,
  timeShiftType: "exponential",
  useExponentialSigmas: false,
  useBetaSigmas: false,
  stochasticSampling: false,
};

// diffusers DDPMScheduler.__init__ defaults.
export const DDPM_DEFAULTS: SchedulerConfig = {
  kind: "ddpm",
  numTrainTimesteps: 1000,
  betaStart: 0.0001,
  betaEnd: 0.02,
  betaSchedule: "linear",
  trainedBetas: null,
  timestepSpacing: "leading",
  stepsOffset: 0,
  predictionType: "epsilon",
  varianceType: "fixed_small",
  clipSample: true,
  clipSampleRange: 1.0,
  setAlphaToOne: true,
  useKarrasSigmas: false,
  flow: FLOW_DEFAULTS,
};

// diffusers DDIMScheduler.__init__ defaults: the same as DDPM's, plus set_alpha_to_one = true.
export const DDIM_DEFAULTS: SchedulerConfig = { ...DDPM_DEFAULTS, kind: "ddim" };

// Coefficients of a linear combination a = xt * x_t + out * model_output, applied by vector kernels.
export interface LinearCombo {
  readonly xt: number;
  readonly out: number;
}

// One step of the reverse chain: x_{prev} ~ N(x0Coef * x0_hat + xtCoef * x_t + epsCoef * eps_hat, sigma^2 I).
export interface ScheduleStep {
  readonly t: number; // timestep the denoiser is evaluated at (fractional for sigma and flow families)
  readonly prev_t: number; // timestep reached (negative after the last step)
  readonly alphaProdT: number; // alphas_cumprod[t] (vp); a^2 / (a^2 + s^2) of the model's input otherwise
  readonly alphaProdPrev: number; // alphas_cumprod[prev_t], or the final value when prev_t < 0
  readonly sigma: number; // noise std; 0 marks a deterministic step
  readonly x0Coef: number;
  readonly xtCoef: number;
  readonly epsCoef: number;
  readonly family: NoiseFamily;
  readonly a: number; // x = a x0 + s eps at this step
  readonly s: number;
  readonly inputScale: number; // the model sees inputScale * x (Euler: 1 / sqrt(sigma^2 + 1))
}

export interface Schedule {
  readonly kind: SchedulerKind;
  readonly predictionType: PredictionType;
  readonly numTrainTimesteps: number;
  readonly eta: number | null; // DDIM eta; null for DDPM
  readonly clipRange: number | null; // clamp x0_hat to [-clipRange, clipRange]; null: no clipping
  readonly alphasCumprod: Float64Array; // length numTrainTimesteps
  readonly timesteps: readonly number[]; // sampling order, length N
  readonly steps: readonly ScheduleStep[]; // steps[k] goes from timesteps[k] to steps[k].prev_t
  readonly family: NoiseFamily;
  readonly initNoiseSigma: number; // x_N = initNoiseSigma * N(0, I) (diffusers' init_noise_sigma)
}
