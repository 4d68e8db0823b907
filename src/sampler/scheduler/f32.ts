// Whether a step can be computed in core.wasm, which applies every coefficient in f32 (affine2/affine3
// cast them with <f32>). With a very small alphas_cumprod, 1/sqrt(a) in x0_hat = (x_t - sqrt(1 - a) eps) / sqrt(a)
// leaves the f32 range (inf - inf = NaN in the target mean), and with a = 1 exactly 1 - a divides by 0.
// A schedule that does either is the request's, not the denoiser's: it is refused before any work.
import { InvalidRequestError } from "../../errors.ts";
import { epsCombo, x0Combo } from "./prediction.ts";
import { PREDICTION_TYPES, type PredictionType, type ScheduleStep, type SchedulerConfig } from "./types.ts";

/** Largest finite f32, (2 - 2^-23) x 2^127 = 3.4028234663852886e38. */
export const F32_MAX = 3.4028234663852886e38;
/** Largest coefficient allowed: F32_MAX / 2^8, so that states and model outputs up to 2^7 in magnitude, summed in pairs, stay finite. */
export const MAX_F32_COEF = F32_MAX / 256;
/** Smallest nonzero coefficient allowed: 2^-126 = 1.1754943508222875e-38, the smallest normal f32 (a subnormal loses precision). */
export const MIN_F32_COEF = 2 ** -126;

const representable = (c: number): boolean => Number.isFinite(c) && Math.abs(c) <= MAX_F32_COEF && (c === 0 || Math.abs(c) >= MIN_F32_COEF);

/** The first coefficient the core would apply for this step that f32 cannot carry, with its name; undefined when all fit. */
export function unrepresentable(step: ScheduleStep): { name: string; value: number } | undefined {
  const named: [string, number][] = [["x0Coef", step.x0Coef], ["xtCoef", step.xtCoef], ["epsCoef", step.epsCoef], ["sigma", step.sigma], ["inputScale", step.inputScale]];
  // Drafts freeze eps or x0 whatever the model predicts, so every prediction type's x0_hat is computed
  // (those with a meaning under the step's family; eps freezing at a flow sigma of 1 is refused elsewhere).
  for (const type of typesOf(step)) {
    const x0 = x0Combo(step, type);
    named.push([`x0_hat(${type}).xt`, x0.xt], [`x0_hat(${type}).out`, x0.out]);
    if (step.epsCoef !== 0) {
      const eps = epsCombo(step, type);
      named.push([`eps_hat(${type}).xt`, eps.xt], [`eps_hat(${type}).out`, eps.out]);
    }
  }
  const bad = named.find(([, v]) => !representable(v));
  return bad && { name: bad[0], value: bad[1] };
}

const typesOf = (step: ScheduleStep): PredictionType[] =>
  step.family === "vp" ? [...PREDICTION_TYPES] : step.family === "sigma" ? ["epsilon", "sample", "v_prediction"] : step.s < 1 ? ["flow", "sample", "epsilon"] : ["flow", "sample"];

/**
 * Throws InvalidRequestError (422) when the step cannot be computed in f32. The field is what makes
 * alphas_cumprod leave the range: trained_betas when given, beta_start when it is 1 (a 0-size first beta),
 * else num_train_timesteps (the cumulative product decays with the number of training steps).
 */
export function checkStepF32(step: ScheduleStep, config: SchedulerConfig, configField: string): void {
  const bad = unrepresentable(step);
  if (!bad) return;
  const a = step.alphaProdT;
  const at = `alphas_cumprod[${step.t}] = ${a.toExponential(3)} makes ${bad.name} = ${bad.value.toExponential(3)}, outside the f32 range the sampler computes in`;
  if (config.trainedBetas !== null) throw new InvalidRequestError(`${configField}.trained_betas`, `${at}; use betas whose cumulative product stays above ${minAlpha()}`);
  if (a > 0.5) throw new InvalidRequestError(`${configField}.beta_start`, `${at}; use a larger beta_start`);
  throw new InvalidRequestError(
    `${configField}.num_train_timesteps`,
    `num_train_timesteps ${config.numTrainTimesteps}: ${at}; use fewer num_train_timesteps or a smaller beta_end (alphas_cumprod must stay above ${minAlpha()})`,
  );
}

/** The smallest alphas_cumprod whose 1/sqrt fits MAX_F32_COEF, about 5.7e-73. */
const minAlpha = (): string => (1 / (MAX_F32_COEF * MAX_F32_COEF)).toExponential(1);
