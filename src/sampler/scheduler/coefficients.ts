// Per-step mean coefficients and noise std of diffusers' DDPMScheduler.step and DDIMScheduler.step
// (ALGORITHMS.md section 1). a_t = alphas_cumprod[t], a_s = alphas_cumprod[prev_t] (or the final value).
import type { ScheduleStep, VarianceType } from "./types.ts";

// diffusers clamps the fixed_small variance to this; a step whose variance is at or below it adds no noise.
export const VARIANCE_FLOOR = 1e-20;

// sigma from a variance, with every step at or under the floor made deterministic (sigma = 0).
const stdOrZero = (variance: number): number => (variance > VARIANCE_FLOOR ? Math.sqrt(variance) : 0);

// DDPM (Ho et al. 2020 eqs. 6-7): mu = sqrt(a_s) beta_ts / (1 - a_t) x0_hat + sqrt(alpha_ts) (1 - a_s) / (1 - a_t) x_t.
// fixed_small(_log): sigma^2 = (1 - a_s) / (1 - a_t) beta_ts; fixed_large: sigma^2 = beta_ts.
// diffusers adds no noise at t = 0, and only 1e-10 * z where it clamps the variance: both are sigma = 0 here.
export function ddpmStep(t: number, prev_t: number, a_t: number, a_s: number, varianceType: VarianceType): ScheduleStep {
  const alphaTs = a_t / a_s;
  const betaTs = 1 - alphaTs;
  const variance = varianceType === "fixed_large" ? betaTs : ((1 - a_s) / (1 - a_t)) * betaTs;
  return {
    t,
    prev_t,
    alphaProdT: a_t,
    alphaProdPrev: a_s,
    sigma: t > 0 ? stdOrZero(variance) : 0,
    x0Coef: (Math.sqrt(a_s) * betaTs) / (1 - a_t),
    xtCoef: (Math.sqrt(alphaTs) * (1 - a_s)) / (1 - a_t),
    epsCoef: 0,
  };
}

// DDIM (Song et al. 2021 eq. 12): sigma^2 = eta^2 (1 - a_s) / (1 - a_t) (1 - a_t / a_s),
// mu = sqrt(a_s) x0_hat + sqrt(1 - a_s - sigma^2) eps_hat. With useClippedModelOutput, eps_hat is
// recomputed from the clipped x0_hat, (x_t - sqrt(a_t) x0_hat) / sqrt(1 - a_t), and folded into x0Coef and xtCoef.
export function ddimStep(
  t: number,
  prev_t: number,
  a_t: number,
  a_s: number,
  eta: number,
  useClippedModelOutput = false,
): ScheduleStep {
  const variance = ((1 - a_s) / (1 - a_t)) * (1 - a_t / a_s);
  const sigma = stdOrZero(eta * eta * variance);
  // eta <= 1 keeps this non-negative up to rounding.
  const dir = Math.sqrt(Math.max(0, 1 - a_s - sigma * sigma));
  const base = { t, prev_t, alphaProdT: a_t, alphaProdPrev: a_s, sigma };
  if (!useClippedModelOutput) return { ...base, x0Coef: Math.sqrt(a_s), xtCoef: 0, epsCoef: dir };
  const r = 1 / Math.sqrt(1 - a_t);
  return { ...base, x0Coef: Math.sqrt(a_s) - dir * Math.sqrt(a_t) * r, xtCoef: dir * r, epsCoef: 0 };
}

// The step mean for scalars: what the vector kernels compute per element.
export const stepMean = (s: ScheduleStep, x0Hat: number, xt: number, epsHat: number): number =>
  s.x0Coef * x0Hat + s.xtCoef * xt + s.epsCoef * epsHat;
