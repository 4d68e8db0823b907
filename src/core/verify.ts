// Typed facade over core.wasm's verification kernels (ALGORITHMS.md sections 2-4; assembly/verify*.ts).
// Pointers are byte offsets from Core.alloc*; rows are f32 of length n; stats, uniforms and block info are f64.
import { offsetPtr, type Core, type Ptr } from "./instance.ts";
import { DenoiserBadResponseError } from "../errors.ts";

type P = Ptr;
interface VerifyExports {
  stepStats(out: P, muT: P, muD: P, xi: P, n: number, sigma: number): number;
  tokenAccept(u: number, logR: number): number;
  reflect(out: P, muT: P, muD: P, xi: P, n: number, sigma: number, delta: number, s: number): number;
  blockVerify(info: P, stats: P, eta: P, L: number): number;
  blockStop(deltaNext: number, lw: number): number;
  blockLogWeightNext(lw: number, logR: number): number;
}

/** f64 per step in a stats buffer: (delta, s, log r). */
export const STAT_STRIDE = 3;
/** f64 per step in a block-info buffer: (ln w_i, M_i, h_i). */
export const BLOCK_STRIDE = 3;
/** Bits of stepStats' result: which input was not finite (the step then rejects). */
export const StatFlag = { target: 1, draft: 2, noise: 4, sigma: 8 } as const;

export interface StepStats { delta: number; s: number; logR: number }

const kernels = (core: Core): VerifyExports => core.raw as unknown as VerifyExports;

/** Writes step `index`'s (delta, s, log r) into `stats` in one pass; returns StatFlag bits (0 = valid). */
export const stepStats = (core: Core, stats: P, index: number, muT: P, muD: P, xi: P, sigma: number, n: number): number =>
  kernels(core).stepStats(offsetPtr(stats, 8 * STAT_STRIDE * index), muT, muD, xi, n, sigma);

/** Reads step `index`'s record back. */
export const readStepStats = (core: Core, stats: P, index: number): StepStats => {
  const [delta, s, logR] = core.f64(offsetPtr(stats, 8 * STAT_STRIDE * index), STAT_STRIDE);
  return { delta, s, logR };
};

/** Token-wise test of step `index` with uniforms[index]: ln u <= min(0, log r); NaN rejects. */
export const tokenAccepts = (core: Core, stats: P, index: number, uniforms: P): boolean =>
  kernels(core).tokenAccept(core.f64(offsetPtr(uniforms, 8 * index), 1)[0], readStepStats(core, stats, index).logR) === 1;

/** Writes the reflection of rejected step `index` into out; throws if the target mean is not finite. */
export const reflect = (core: Core, out: P, muT: P, muD: P, xi: P, sigma: number, stats: P, index: number, n: number): void => {
  const { delta, s } = readStepStats(core, stats, index);
  if (kernels(core).reflect(out, muT, muD, xi, n, sigma, delta, s) < 0) throw nonFiniteTarget();
};

/** Block verification of an L-step window: tau in [0, L]; info gets (ln w, M, h) per step (BLOCK_STRIDE). */
export const blockTau = (core: Core, stats: P, uniforms: P, info: P, L: number): number =>
  kernels(core).blockVerify(info, stats, uniforms, L);

/** h_i of window step i < L from ln w_i and delta_{i+1}, as blockTau computes it (for streamed verification). */
export const blockStop = (core: Core, deltaNext: number, logW: number): number => kernels(core).blockStop(deltaNext, logW);
/** ln w_i from ln w_{i-1} and log r_i, as blockTau computes it. */
export const blockLogWeightNext = (core: Core, logW: number, logR: number): number => kernels(core).blockLogWeightNext(logW, logR);

/** ln w_tau, the weight the residual after tau accepted steps uses (0 when tau = 0). */
export const blockLogWeight = (core: Core, info: P, tau: number): number =>
  tau === 0 ? 0 : core.f64(offsetPtr(info, 8 * BLOCK_STRIDE * (tau - 1)), 1)[0];

/** The domain error for a target mean with NaN or inf (no exact target draw exists). */
export const nonFiniteTarget = (): DenoiserBadResponseError =>
  new DenoiserBadResponseError("the denoiser produced a non-finite value (NaN or inf) in a target mean");
