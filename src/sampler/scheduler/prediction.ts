// x0_hat and eps_hat from a model output at (x_t, t), as linear combinations xt * x_t + out * output,
// so vector kernels can apply them. a = alphas_cumprod[t], with 0 < a < 1.
// The formulas are diffusers' DDPMScheduler.step / DDIMScheduler.step (Ho et al. 2020 eq. 15;
// Salimans & Ho 2022 for v: v = sqrt(a) eps - sqrt(1 - a) x0, x_t = sqrt(a) x0 + sqrt(1 - a) eps).
import type { LinearCombo, PredictionType } from "./types.ts";

// x0_hat: epsilon (x_t - sqrt(1-a) eps) / sqrt(a); sample: the output; v: sqrt(a) x_t - sqrt(1-a) v.
export function predictionToX0(type: PredictionType, a: number): LinearCombo {
  switch (type) {
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
