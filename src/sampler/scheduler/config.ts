// Parses a diffusers scheduler_config.json as is: known keys validated, unknown keys ignored.
import { InvalidRequestError, LimitError } from "../../errors.ts";
import { checkNumber, isObject, isSet, readBool, readEnum, readNumber, shown, type JsonObject } from "./fields.ts";
import {
  BETA_SCHEDULES,
  DDIM_DEFAULTS,
  DDPM_DEFAULTS,
  FLOW_DEFAULTS,
  PREDICTION_TYPES,
  SCHEDULER_CLASSES,
  SCHEDULER_KINDS,
  TIMESTEP_SPACINGS,
  VARIANCE_TYPES,
  type FlowMatchConfig,
  type SchedulerConfig,
  type SchedulerKind,
} from "./types.ts";

// Bounds the alphas_cumprod table a request can make us build.
export const MAX_TRAIN_TIMESTEPS = 100_000;

/** Every key parseSchedulerConfig reads; any other key of a config is ignored (the API drops it at validation). */
export const SCHEDULER_CONFIG_KEYS = [
  "_class_name",
  "thresholding",
  "rescale_betas_zero_snr",
  "trained_betas",
  "num_train_timesteps",
  "beta_schedule",
  "beta_start",
  "beta_end",
  "timestep_spacing",
  "steps_offset",
  "prediction_type",
  "variance_type",
  "clip_sample",
  "clip_sample_range",
  "set_alpha_to_one",
  "use_karras_sigmas",
  "shift",
  "use_dynamic_shifting",
  "base_shift",
  "max_shift",
  "base_image_seq_len",
  "max_image_seq_len",
  "shift_terminal",
  "time_shift_type",
  "use_exponential_sigmas",
  "use_beta_sigmas",
  "stochastic_sampling",
  "invert_sigmas",
] as const;

export interface ParseOptions {
  // Sampler chosen by the request (a SCHEDULER_KINDS value or a supported class name); wins over _class_name.
  readonly type?: string;
  // Dotted path of the config in the request, used in error fields.
  readonly field?: string;
}

const KIND_NAMES: Readonly<Record<string, SchedulerKind>> = {
  ...Object.fromEntries(SCHEDULER_KINDS.map((k) => [k, k])),
  ...SCHEDULER_CLASSES,
};

const SUPPORTED = Object.keys(SCHEDULER_CLASSES).join(", ");

// Loads a scheduler config. The class (or the request's type) selects the sampler; a class this product does not
// implement is refused, never sampled as another. Keys a class does not read are ignored, as diffusers' from_config does.
export function parseSchedulerConfig(input: unknown = {}, opts: ParseOptions = {}): SchedulerConfig {
  const prefix = opts.field ?? "scheduler";
  if (!isObject(input)) throw new InvalidRequestError(prefix, "scheduler config must be a JSON object");
  const kind = resolveKind(input, opts.type, prefix);
  const d = kind === "ddim" ? DDIM_DEFAULTS : DDPM_DEFAULTS;
  refuseEnabled(input, "thresholding", prefix, "dynamic thresholding is not supported");
  refuseEnabled(input, "rescale_betas_zero_snr", prefix, "zero terminal SNR makes alphas_cumprod reach 0");
  refuseEnabled(input, "invert_sigmas", prefix, "inverted sigmas run the chain backwards");
  const flowMatch = kind === "flow_match";
  const trainedBetas = flowMatch ? null : readTrainedBetas(input, prefix);
  const numTrainTimesteps = readTrainTimesteps(input, trainedBetas, d.numTrainTimesteps, prefix);
  const betaSchedule = flowMatch ? d.betaSchedule : readEnum(input, "beta_schedule", BETA_SCHEDULES, d.betaSchedule, prefix);
  const usesRange = trainedBetas === null && betaSchedule !== "squaredcos_cap_v2" && !flowMatch;
  const betaRule = usesRange ? { exclusiveMin: 0, exclusiveMax: 1 } : {};
  const predictionType = flowMatch ? "flow" : readEnum(input, "prediction_type", PREDICTION_TYPES, d.predictionType, prefix);
  if (kind === "euler_ancestral" && predictionType === "sample") {
    throw new InvalidRequestError(`${prefix}.prediction_type`, "EulerAncestralDiscreteScheduler does not implement prediction_type sample (diffusers neither)");
  }
  // Clipping x0_hat is DDPM's and DDIM's; the Euler and flow-matching steps never clip.
  const clips = kind === "ddpm" || kind === "ddim";
  return {
    kind,
    numTrainTimesteps,
    betaStart: flowMatch ? d.betaStart : readNumber(input, "beta_start", d.betaStart, betaRule, prefix),
    betaEnd: flowMatch ? d.betaEnd : readNumber(input, "beta_end", d.betaEnd, betaRule, prefix),
    betaSchedule,
    trainedBetas,
    // diffusers' Euler schedulers default to linspace spacing, DDPM and DDIM to leading.
    timestepSpacing: readEnum(input, "timestep_spacing", TIMESTEP_SPACINGS, kind === "euler" || kind === "euler_ancestral" ? "linspace" : d.timestepSpacing, prefix),
    stepsOffset: readNumber(input, "steps_offset", d.stepsOffset, { integer: true, min: 0 }, prefix),
    predictionType,
    varianceType:
      kind === "ddpm" ? readEnum(input, "variance_type", VARIANCE_TYPES, d.varianceType, prefix) : d.varianceType,
    clipSample: clips && readBool(input, "clip_sample", d.clipSample, prefix),
    clipSampleRange: readNumber(input, "clip_sample_range", d.clipSampleRange, { exclusiveMin: 0 }, prefix),
    setAlphaToOne: readBool(input, "set_alpha_to_one", d.setAlphaToOne, prefix),
    useKarrasSigmas: kind !== "ddpm" && kind !== "ddim" && readBool(input, "use_karras_sigmas", false, prefix),
    flow: flowMatch ? readFlow(input, prefix) : FLOW_DEFAULTS,
  };
}

// FlowMatchEulerDiscreteScheduler's keys; diffusers' defaults when absent.
function readFlow(o: JsonObject, prefix: string): FlowMatchConfig {
  const f = FLOW_DEFAULTS;
  const positive = { exclusiveMin: 0 };
  const terminal = isSet(o, "shift_terminal") ? readNumber(o, "shift_terminal", 0, { exclusiveMin: 0, exclusiveMax: 1 }, prefix) : null;
  return {
    shift: readNumber(o, "shift", f.shift, positive, prefix),
    useDynamicShifting: readBool(o, "use_dynamic_shifting", f.useDynamicShifting, prefix),
    baseShift: readNumber(o, "base_shift", f.baseShift, {}, prefix),
    maxShift: readNumber(o, "max_shift", f.maxShift, {}, prefix),
    baseImageSeqLen: readNumber(o, "base_image_seq_len", f.baseImageSeqLen, { integer: true, min: 1 }, prefix),
    maxImageSeqLen: readNumber(o, "max_image_seq_len", f.maxImageSeqLen, { integer: true, min: 1 }, prefix),
    shiftTerminal: terminal,
    timeShiftType: readEnum(o, "time_shift_type", ["exponential", "linear"] as const, f.timeShiftType, prefix),
    useExponentialSigmas: readBool(o, "use_exponential_sigmas", f.useExponentialSigmas, prefix),
    useBetaSigmas: readBool(o, "use_beta_sigmas", f.useBetaSigmas, prefix),
    stochasticSampling: readBool(o, "stochastic_sampling", f.stochasticSampling, prefix),
  };
}

function resolveKind(o: JsonObject, type: string | undefined, prefix: string): SchedulerKind {
  if (type !== undefined) {
    const kind = Object.hasOwn(KIND_NAMES, type) ? KIND_NAMES[type] : undefined;
    if (kind) return kind;
    throw new InvalidRequestError(`${prefix}.type`, `unsupported scheduler type ${shown(type)}; supported: ${SCHEDULER_KINDS.join(", ")}`);
  }
  const name = o._class_name;
  if (name === undefined || name === null) return "ddpm";
  if (typeof name !== "string") throw new InvalidRequestError(`${prefix}._class_name`, "_class_name must be a string");
  const kind = Object.hasOwn(SCHEDULER_CLASSES, name) ? SCHEDULER_CLASSES[name] : undefined;
  if (kind) return kind;
  throw new InvalidRequestError(`${prefix}._class_name`, `${shown(name)} is not implemented; supported: ${SUPPORTED} (or set scheduler.type)`);
}

function refuseEnabled(o: JsonObject, key: string, prefix: string, why: string): void {
  if (readBool(o, key, false, prefix)) throw new InvalidRequestError(`${prefix}.${key}`, `${key}: true is not supported (${why})`);
}

function readTrainedBetas(o: JsonObject, prefix: string): readonly number[] | null {
  if (!isSet(o, "trained_betas")) return null;
  const field = `${prefix}.trained_betas`;
  const v = o.trained_betas;
  if (!Array.isArray(v) || v.length === 0) throw new InvalidRequestError(field, "trained_betas must be a non-empty array");
  if (v.length > MAX_TRAIN_TIMESTEPS) throw new LimitError(field, `at most ${MAX_TRAIN_TIMESTEPS} trained_betas`);
  return v.map((b, i) => checkNumber(b, { exclusiveMin: 0, exclusiveMax: 1 }, `${field}[${i}]`, "each beta"));
}

// With trained_betas and no num_train_timesteps, the betas' length is the number of training timesteps.
function readTrainTimesteps(o: JsonObject, betas: readonly number[] | null, fallback: number, prefix: string): number {
  const field = `${prefix}.num_train_timesteps`;
  const T = readNumber(o, "num_train_timesteps", betas ? betas.length : fallback, { integer: true, min: 1 }, prefix);
  if (T > MAX_TRAIN_TIMESTEPS) throw new LimitError(field, `num_train_timesteps must be at most ${MAX_TRAIN_TIMESTEPS}`);
  if (betas && betas.length !== T) {
    throw new InvalidRequestError(`${prefix}.trained_betas`, `trained_betas has ${betas.length} entries, num_train_timesteps is ${T}`);
  }
  return T;
}
