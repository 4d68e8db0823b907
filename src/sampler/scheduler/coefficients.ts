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
    ...vpFamily(a_t),
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
  const base = { t, prev_t, alphaProdT: a_t, alphaProdPrev: a_s, sigma, ...vpFamily(a_t) };
  if (!useClippedModelOutput) return { ...base, x0Coef: Math.sqrt(a_s), xtCoef: 0, epsCoef: dir };
  const r = 1 / Math.sqrt(1 - a_t);
  return { ...base, x0Coef: Math.sqrt(a_s) - dir * Math.sqrt(a_t) * r, xtCoef: dir * r, epsCoef: 0 };
}

const vpFamily = (a_t: number) => ({ family: "vp" as const, a: Math.sqrt(a_t), s: Math.sqrt(1 - a_t), inputScale: 1 });

// Euler on sigmas (diffusers EulerAncestralDiscreteScheduler.step; Karras et al. 2022): with s = sigma, s' the next,
//   s_up = sqrt(s'^2 (s^2 - s'^2) / s^2), s_down = sqrt(s'^2 - s_up^2),
//   x' = x + (x - x0_hat) / s (s_down - s) + s_up xi = (s_down / s) x + (1 - s_down / s) x0_hat + s_up xi.
// Deterministic Euler (EulerDiscreteScheduler, s_churn = 0) is the same with s_down = s', s_up = 0.
export function sigmaStep(t: number, prev_t: number, sigma: number, next: number, ancestral: boolean): ScheduleStep {
  const up = ancestral ? Math.sqrt((next * next * (sigma * sigma - next * next)) / (sigma * sigma)) : 0;
  const down = ancestral ? Math.sqrt(next * next - up * up) : next;
  const r = down / sigma;
  return {
    t, prev_t, alphaProdT: 1 / (sigma * sigma + 1), alphaProdPrev: 1 / (next * next + 1),
    sigma: up, x0Coef: 1 - r, xtCoef: r, epsCoef: 0,
    family: "sigma", a: 1, s: sigma, inputScale: 1 / Math.sqrt(sigma * sigma + 1),
  };
}

/** How a flow-matching step adds noise: none (plain Euler), diffusers' stochastic_sampling, or the SDE with noise level a. */
export type FlowNoise = { kind: "ode" } | { kind: "stochastic" } | { kind: "sde"; level: number; belowOne: number };

// Flow matching (ALGORITHMS.md 1b), with s = sigma, s' the next, v = (x - x0_hat) / s:
//   ode:        x' = x + (s' - s) v                         = (s'/s) x + (1 - s'/s) x0_hat
//   stochastic: x' = (1 - s') x0_hat + s' xi                 (diffusers stochastic_sampling)
//   sde:        dt = s' - s; mean = x + dt (v + a^2 / (2 (1 - s)) (x + (1 - s) v)), std = a sqrt(s / (1 - s)) sqrt(s - s')
//               = x (1 + dt a^2 / (2 (1 - s))) + v dt (1 + a^2 (1 - s) / (2 (1 - s))), v = (x - x0_hat) / s.
// At s = 1 the SDE's 1 - s is 0: `belowOne`, the first sigma below 1, stands in for s in the denominators only
// (the (1 - s) multiplying v stays, so at s = 1 the velocity term is plain dt v).
export function flowStep(t: number, prev_t: number, sigma: number, next: number, noise: FlowNoise): ScheduleStep {
  const family = { family: "flow" as const, a: 1 - sigma, s: sigma, inputScale: 1 };
  const vpAlpha = (x: number) => ((1 - x) * (1 - x)) / ((1 - x) * (1 - x) + x * x);
  const base = { t, prev_t, alphaProdT: vpAlpha(sigma), alphaProdPrev: vpAlpha(next), epsCoef: 0, ...family };
  if (noise.kind === "ode") return { ...base, sigma: 0, x0Coef: 1 - next / sigma, xtCoef: next / sigma };
  if (noise.kind === "stochastic") return { ...base, sigma: next, x0Coef: 1 - next, xtCoef: 0 };
  const a2 = noise.level * noise.level;
  const dt = next - sigma;
  const oneMinus = 1 - (sigma < 1 ? sigma : noise.belowOne);
  const std = noise.level * Math.sqrt(sigma / oneMinus) * Math.sqrt(sigma - next);
  const vCoef = dt * (1 + (a2 * (1 - sigma)) / (2 * oneMinus));
  return { ...base, sigma: std, x0Coef: -vCoef / sigma, xtCoef: 1 + (dt * a2) / (2 * oneMinus) + vCoef / sigma };
}

// The step mean for scalars: what the vector kernels compute per element.
export const stepMean = (s: ScheduleStep, x0Hat: number, xt: number, epsHat: number): number =>
  s.x0Coef * x0Hat + s.xtCoef * xt + s.epsCoef * epsHat;
