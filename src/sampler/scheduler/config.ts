// Parses a diffusers scheduler_config.json as is: known keys validated, unknown keys ignored.
import { InvalidRequestError, LimitError } from "../../errors.ts";
import { checkNumber, isObject, isSet, readBool, readEnum, readNumber, shown, type JsonObject } from "./fields.ts";
import {
  BETA_SCHEDULES,
  DDIM_DEFAULTS,
  DDPM_DEFAULTS,
  PREDICTION_TYPES,
  TIMESTEP_SPACINGS,
  VARIANCE_TYPES,
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
] as const;

export interface ParseOptions {
  // Sampler chosen by the request ('ddpm' | 'ddim' | 'DDPMScheduler' | 'DDIMScheduler'); wins over _class_name.
  readonly type?: string;
  // Dotted path of the config in the request, used in error fields.
  readonly field?: string;
}

const KIND_NAMES: Readonly<Record<string, SchedulerKind>> = {
  ddpm: "ddpm",
  ddim: "ddim",
  DDPMScheduler: "ddpm",
  DDIMScheduler: "ddim",
};

// Scheduler families whose noise schedule is not a discrete beta schedule: their configs cannot drive DDPM/DDIM.
const NOT_BETA_BASED = /^(FlowMatch|EDM|ScoreSdeVe|KarrasVe|CMStochasticIterative|VQDiffusion|Amused)/;

// Loads a scheduler config. Class names other than DDPM/DDIM (PNDM, Euler, ...) reuse their noise schedule
// with DDPM's defaults, as diffusers' DDPMScheduler.from_config(other.config) does.
export function parseSchedulerConfig(input: unknown = {}, opts: ParseOptions = {}): SchedulerConfig {
  const prefix = opts.field ?? "scheduler";
  if (!isObject(input)) throw new InvalidRequestError(prefix, "scheduler config must be a JSON object");
  const kind = resolveKind(input, opts.type, prefix);
  const d = kind === "ddim" ? DDIM_DEFAULTS : DDPM_DEFAULTS;
  refuseEnabled(input, "thresholding", prefix, "dynamic thresholding is not supported");
  refuseEnabled(input, "rescale_betas_zero_snr", prefix, "zero terminal SNR makes alphas_cumprod reach 0");
  const trainedBetas = readTrainedBetas(input, prefix);
  const numTrainTimesteps = readTrainTimesteps(input, trainedBetas, d.numTrainTimesteps, prefix);
  const betaSchedule = readEnum(input, "beta_schedule", BETA_SCHEDULES, d.betaSchedule, prefix);
  const usesRange = trainedBetas === null && betaSchedule !== "squaredcos_cap_v2";
  const betaRule = usesRange ? { exclusiveMin: 0, exclusiveMax: 1 } : {};
  return {
    kind,
    numTrainTimesteps,
    betaStart: readNumber(input, "beta_start", d.betaStart, betaRule, prefix),
    betaEnd: readNumber(input, "beta_end", d.betaEnd, betaRule, prefix),
    betaSchedule,
    trainedBetas,
    timestepSpacing: readEnum(input, "timestep_spacing", TIMESTEP_SPACINGS, d.timestepSpacing, prefix),
    stepsOffset: readNumber(input, "steps_offset", d.stepsOffset, { integer: true, min: 0 }, prefix),
    predictionType: readEnum(input, "prediction_type", PREDICTION_TYPES, d.predictionType, prefix),
    varianceType:
      kind === "ddpm" ? readEnum(input, "variance_type", VARIANCE_TYPES, d.varianceType, prefix) : d.varianceType,
    clipSample: readBool(input, "clip_sample", d.clipSample, prefix),
    clipSampleRange: readNumber(input, "clip_sample_range", d.clipSampleRange, { exclusiveMin: 0 }, prefix),
    setAlphaToOne: readBool(input, "set_alpha_to_one", d.setAlphaToOne, prefix),
  };
}

function resolveKind(o: JsonObject, type: string | undefined, prefix: string): SchedulerKind {
  if (type !== undefined) {
    const kind = Object.hasOwn(KIND_NAMES, type) ? KIND_NAMES[type] : undefined;
    if (kind) return kind;
    throw new InvalidRequestError(`${prefix}.type`, `unsupported scheduler type ${JSON.stringify(type)}; supported: ddpm, ddim`);
  }
  const name = o._class_name;
  if (name === undefined || name === null) return "ddpm";
  if (typeof name !== "string") throw new InvalidRequestError(`${prefix}._class_name`, "_class_name must be a string");
  if (NOT_BETA_BASED.test(name)) {
    throw new InvalidRequestError(`${prefix}._class_name`, `${shown(name)} has no beta schedule; DDPM/DDIM cannot sample it`);
  }
  return name === "DDIMScheduler" ? "ddim" : "ddpm";
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
