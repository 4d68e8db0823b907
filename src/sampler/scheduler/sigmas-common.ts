// Shared pieces of the sigma constructions (sigmas-euler.ts, sigmas-flow.ts): numpy's linspace and
// interp as numpy evaluates them, and diffusers' Karras / exponential / beta sigma conversions.
// Everything is float64 (diffusers casts its results to float32; we keep the float64 values).
import { betaPpf } from "./sigmas-beta.ts";
import { linspace } from "./betas.ts";

export interface SigmaPlan {
  /** N + 1 noise levels, descending, the last one 0. */
  sigmas: number[];
  /** N model timesteps, one per step (fractional allowed): what the model is called with. */
  timesteps: number[];
  /** Std of the starting noise x_N (diffusers' init_noise_sigma). */
  initNoiseSigma: number;
}

/** Throws unless n is an integer >= 1 (the number of inference steps). */
export function checkSteps(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new Error(`number of inference steps must be an integer >= 1, got ${n}`);
}

/** Throws when a constructed schedule holds NaN or an infinity (e.g. log(0), a 0/0 in a stretch). */
export function checkFinite(what: string, xs: readonly number[]): void {
  const i = xs.findIndex((x) => !Number.isFinite(x));
  if (i >= 0) throw new Error(`${what}[${i}] = ${xs[i]} is not finite: the schedule settings give no usable noise levels`);
}

/** numpy.linspace(start, stop, n) as a plain array: betas.ts's linspace (the same start + i * step, last set to stop). */
export const npLinspace = (start: number, stop: number, n: number): number[] => Array.from(linspace(start, stop, n));

/** numpy.interp(x, arange(len(fp)), fp): linear, clamped to fp[0] / fp[-1] outside the grid. */
export function interpIntegerGrid(x: number, fp: ArrayLike<number>): number {
  const last = fp.length - 1;
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return fp[0];
  if (x >= last) return fp[last];
  const j = Math.floor(x);
  if (x === j) return fp[j];
  return (fp[j + 1] - fp[j]) * (x - j) + fp[j];
}

/** diffusers' _convert_to_karras (Karras et al. 2022, rho = 7) between sigmaMin and sigmaMax, n values, descending. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  const rho = 7.0;
  const minInvRho = sigmaMin ** (1 / rho);
  const maxInvRho = sigmaMax ** (1 / rho);
  return npLinspace(0, 1, n).map((r) => (maxInvRho + r * (minInvRho - maxInvRho)) ** rho);
}

/** diffusers' _convert_to_exponential: exp(linspace(log(sigmaMax), log(sigmaMin), n)). */
export function exponentialSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  return npLinspace(Math.log(sigmaMax), Math.log(sigmaMin), n).map(Math.exp);
}

/** diffusers' _convert_to_beta (Lee et al. 2024): sigmaMin + ppf(1 - r) (sigmaMax - sigmaMin), Beta(0.6, 0.6). */
export function betaSigmas(sigmaMin: number, sigmaMax: number, n: number, alpha = 0.6, beta = 0.6): number[] {
  return npLinspace(0, 1, n).map((r) => sigmaMin + betaPpf(1 - r, alpha, beta) * (sigmaMax - sigmaMin));
}
