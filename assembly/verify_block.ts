// Block verification ([C] Sun et al., ICLR 2025, Alg. 2, with the Gaussian residual of [A];
// ALGORITHMS.md section 4): running weights w_i = min(1, w_{i-1} r_i) in log space, residual masses M_i,
// stop probabilities h_i = M_i / (M_i + 1 - w_i) (h_L = w_L), and tau = max{i : eta_i <= h_i} (0 if none).
import { residualLogMass } from "./residual_mass";

const STRIDE: usize = 24; // three f64 per step in both stats and info

// h_i = M_i / (M_i + 1 - w_i), 1 when w_i = 1; 1 - w = -expm1(ln w).
// @ts-ignore: decorator
@inline function stopProbability(m: f64, lw: f64): f64 {
  return lw == 0 ? 1 : m / (m - NativeMath.expm1(lw));
}

/** h_i of a window step i < L from ln w_i and delta_{i+1}: the same value blockVerify writes, for streamed verification. */
export function blockStop(deltaNext: f64, lw: f64): f64 {
  return stopProbability(NativeMath.exp(residualLogMass(deltaNext, lw)), lw);
}

/** ln w_i = min(0, ln w_{i-1} + log r_i), a NaN log r counting as -inf: blockVerify's running weight. */
export function blockLogWeightNext(lw: f64, logR: f64): f64 {
  let next = lw + logR;
  if (!(next <= 0)) next = next > 0 ? 0 : -Infinity;
  return next;
}

/** Chooses tau in [0, L] for a window; writes info f64[3L] = (ln w_i, M_i, h_i) per step i = 1..L (M_L = 0). */
// stats: L records (delta, s, log r) from stepStats; eta: L uniforms (f64) in (0, 1). A NaN log r counts as
// -inf (w = 0 from there on), so invalid steps are never accepted. 8-byte aligned, info disjoint from inputs.
// M_i has relative error ~1e-15 (1 + |ln M_i|), cancellation-free for w_i -> 1, delta -> 0 and delta large.
export function blockVerify(info: usize, stats: usize, eta: usize, L: u32): i32 {
  let lw: f64 = 0;
  for (let i: u32 = 0; i < L; i++) {
    lw = blockLogWeightNext(lw, load<f64>(stats + STRIDE * i, 16));
    store<f64>(info + STRIDE * i, lw);
  }
  for (let i: u32 = 0; i + 1 < L; i++) {
    const lwi = load<f64>(info + STRIDE * i);
    const m = NativeMath.exp(residualLogMass(load<f64>(stats + STRIDE * (i + 1)), lwi));
    store<f64>(info + STRIDE * i, m, 8);
    store<f64>(info + STRIDE * i, stopProbability(m, lwi), 16);
  }
  if (L > 0) {
    const last = info + STRIDE * (L - 1);
    store<f64>(last, 0, 8);
    store<f64>(last, NativeMath.exp(load<f64>(last)), 16);
  }
  for (let i = <i32>L; i >= 1; i--) {
    if (load<f64>(eta + 8 * (i - 1)) <= load<f64>(info + STRIDE * (i - 1), 16)) return i;
  }
  return 0;
}
