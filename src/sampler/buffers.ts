// Per-chain buffers, resident in the request's core.wasm memory for the whole request.
import type { Core } from "../core/instance.ts";
import { BLOCK_STRIDE, STAT_STRIDE } from "../core/verify.ts";

export interface ChainBuffers {
  dim: number;
  window: number;
  /** Committed state. */
  x: number;
  /** Frozen denoiser quantity (eps or x0) of the Free Drafter; the one before it, and an extrapolation. */
  frozen: number;
  frozenBefore: number;
  extrapolated: number;
  /** x0_hat of the latest target evaluation, for previews (0 when not kept). */
  previewX0: number;
  /** Scratch for x0_hat, eps_hat and the residual's fresh Gaussian. */
  x0: number;
  eps: number;
  zeta: number;
  /** Drafted states y~_0..y~_L, (L+1) rows. */
  ys: number;
  /** Draft means and draft noise of steps 1..L, L rows each. */
  muD: number;
  xi: number;
  /** Target means of steps 1..L+1 and model outputs at parents y~_0..y~_L, L+1 rows each. */
  muT: number;
  out: number;
  /** f64 per drafted step: (delta, s, log r) triples; uniforms; block diagnostics (log w, M, h). */
  stats: number;
  uniforms: number;
  blockInfo: number;
}

/** Float32 values one chain needs resident (for request size limits). */
export const chainFloats = (dim: number, window: number): number => dim * (7 + 5 * (window + 1));

export const allocChainBuffers = (core: Core, dim: number, window: number, preview = false): ChainBuffers => {
  const rows = window + 1;
  return {
    dim,
    window,
    x: core.allocF32(dim),
    frozen: core.allocF32(dim),
    frozenBefore: core.allocF32(dim),
    extrapolated: core.allocF32(dim),
    previewX0: preview ? core.allocF32(dim) : 0,
    x0: core.allocF32(dim),
    eps: core.allocF32(dim),
    zeta: core.allocF32(dim),
    ys: core.allocF32(rows * dim),
    muD: core.allocF32(rows * dim),
    xi: core.allocF32(rows * dim),
    muT: core.allocF32(rows * dim),
    out: core.allocF32(rows * dim),
    stats: core.allocF64(STAT_STRIDE * rows),
    uniforms: core.allocF64(rows + 1),
    blockInfo: core.allocF64(BLOCK_STRIDE * rows),
  };
};

/** Byte pointer of row r of a row-major f32 block of `dim` columns. */
export const row = (base: number, r: number, dim: number): number => base + 4 * r * dim;
