// x0_hat and eps_hat from a model output at (x_t, t), as linear combinations xt * x_t + out * output,
// so vector kernels can apply them. a = alphas_cumprod[t], with 0 < a < 1.
// The formulas are diffusers' DDPMScheduler.step / DDIMScheduler.step (Ho et al. 2020 eq. 15;
// Salimans & Ho 2022 for v: v = sqrt(a) eps - sqrt(1 - a) x0, x_t = sqrt(a) x0 + sqrt(1 - a) eps).
import { InvalidRequestError } from "../../errors.ts";
import type { LinearCombo, PredictionType, ScheduleStep } from "./types.ts";

// x0_hat: epsilon (x_t - sqrt(1-a) eps) / sqrt(a); sample: the output; v: sqrt(a) x_t - sqrt(1-a) v.
export function predictionToX0(type: PredictionType, a: number): LinearCombo {
  switch (type) {
    case "flow":
      throw notIn("flow", "vp");
    case "epsilon":
      return { xt: 1 / Math.sqrt(a), out: -Math.sqrt(1 - a) / Math.sqrt(a) };
    case "sample":
      return { xt: 0, out: 1 };
    case "v_prediction":
      return { xt: Math.sqrt(a), out: -Math.sqrt(1 - a) };
  }
}

// eps_hat: epsilon the output; sample (x_t - sqrt(a) x0) / sqrt(1-a); v: sqrt(1-a) x_t + sqrt(a) v.
// This is eps from the unclipped x0_hat, as diffusers uses it (use_clipped_model_output = false).
export function predictionToEps(type: PredictionType, a: number): LinearCombo {
  switch (type) {
    case "flow":
      throw notIn("flow", "vp");
    case "epsilon":
      return { xt: 0, out: 1 };
    case "sample":
      return { xt: 1 / Math.sqrt(1 - a), out: -Math.sqrt(a) / Math.sqrt(1 - a) };
    case "v_prediction":
      return { xt: Math.sqrt(1 - a), out: Math.sqrt(a) };
  }
}

// Applies a combination to scalars: the reference the vector kernels are tested against.
export const applyCombo = (c: LinearCombo, xt: number, out: number): number => c.xt * xt + c.out * out;

// Clamps x0_hat to [-range, range] (diffusers clip_sample); null range leaves it unchanged.
export const clipX0 = (x0: number, range: number | null): number =>
  range === null ? x0 : Math.min(range, Math.max(-range, x0));

const notIn = (type: PredictionType, family: string) =>
  new InvalidRequestError("scheduler.prediction_type", `a ${type} output has no meaning under the ${family} noising family`);

// Euler sigmas (diffusers EulerAncestralDiscreteScheduler.step): the state is x = x0 + sigma eps, the model sees
// x / sqrt(sigma^2 + 1). epsilon: x0 = x - sigma eps; v_prediction: x0 = x / (sigma^2 + 1) - v sigma / sqrt(sigma^2 + 1).
function sigmaToX0(type: PredictionType, sigma: number): LinearCombo {
  switch (type) {
    case "epsilon":
      return { xt: 1, out: -sigma };
    case "sample":
      return { xt: 0, out: 1 };
    case "v_prediction":
      return { xt: 1 / (sigma * sigma + 1), out: -sigma / Math.sqrt(sigma * sigma + 1) };
    case "flow":
      throw notIn("flow", "Euler sigma");
  }
}

// eps = (x - x0) / sigma under the same rules.
function sigmaToEps(type: PredictionType, sigma: number): LinearCombo {
  switch (type) {
    case "epsilon":
      return { xt: 0, out: 1 };
    case "sample":
      return { xt: 1 / sigma, out: -1 / sigma };
    case "v_prediction":
      return { xt: sigma / (sigma * sigma + 1), out: 1 / Math.sqrt(sigma * sigma + 1) };
    case "flow":
      throw notIn("flow", "Euler sigma");
  }
}

// Flow matching (diffusers FlowMatchEulerDiscreteScheduler): x = (1 - sigma) x0 + sigma eps, v = eps - x0, so
// x0 = x - sigma v and eps = x + (1 - sigma) v; a frozen eps gives x0 = (x - sigma eps) / (1 - sigma) (sigma < 1).
function flowToX0(type: PredictionType, sigma: number): LinearCombo {
  switch (type) {
    case "flow":
      return { xt: 1, out: -sigma };
    case "sample":
      return { xt: 0, out: 1 };
    case "epsilon":
      return { xt: 1 / (1 - sigma), out: -sigma / (1 - sigma) };
    case "v_prediction":
      throw notIn("v_prediction", "flow-matching");
  }
}

function flowToEps(type: PredictionType, sigma: number): LinearCombo {
  switch (type) {
    case "flow":
      return { xt: 1, out: 1 - sigma };
    case "sample":
      return { xt: 1 / sigma, out: -(1 - sigma) / sigma };
    case "epsilon":
      return { xt: 0, out: 1 };
    case "v_prediction":
      throw notIn("v_prediction", "flow-matching");
  }
}

/** x0_hat at a step from an output of the given type, as xt * x + out * output (x the unscaled state). */
export function x0Combo(step: ScheduleStep, type: PredictionType): LinearCombo {
  if (step.family === "vp") return predictionToX0(type, step.alphaProdT);
  return step.family === "sigma" ? sigmaToX0(type, step.s) : flowToX0(type, step.s);
}

/** eps_hat at a step from an output of the given type, from the unclipped x0_hat (diffusers' default). */
export function epsCombo(step: ScheduleStep, type: PredictionType): LinearCombo {
  if (step.family === "vp") return predictionToEps(type, step.alphaProdT);
  return step.family === "sigma" ? sigmaToEps(type, step.s) : flowToEps(type, step.s);
}
