// Block verification ([C] Sun et al., ICLR 2025, Alg. 2, with the Gaussian residual of [A];
// ALGORITHMS.md section 4): running weights w_i = min(1, w_{i-1} r_i) in log space, residual masses M_i,
// stop probabilities h_i = M_i / (M_i + 1 - w_i) (h_L = w_L), and tau = max{i : eta_i <= h_i} (0 if none).
import { residualLogMass } from "./residual_mass";

const STRIDE: usize = 24; // three f64 per step in both stats and info

/** Chooses tau in [0, L] for a window; writes info f64[3L] = (ln w_i, M_i, h_i) per step i = 1..L (M_L = 0). */
// stats: L records (delta, s, log r) from stepStats; eta: L uniforms (f64) in (0, 1). A NaN log r counts as
// -inf (w = 0 from there on), so invalid steps are never accepted. 8-byte aligned, info disjoint from inputs.
// M_i has relative error ~1e-15 (1 + |ln M_i|), cancellation-free for w_i -> 1, delta -> 0 and delta large.
export function blockVerify(info: usize, stats: usize, eta: usize, L: u32): i32 {
  let lw: f64 = 0;
  for (let i: u32 = 0; i < L; i++) {
    let next = lw + load<f64>(stats + STRIDE * i, 16);
    if (!(next <= 0)) next = next > 0 ? 0 : -Infinity;
    lw = next;
    store<f64>(info + STRIDE * i, lw);
  }
  for (let i: u32 = 0; i + 1 < L; i++) {
    const lwi = load<f64>(info + STRIDE * i);
    const m = NativeMath.exp(residualLogMass(load<f64>(stats + STRIDE * (i + 1)), lwi));
    store<f64>(info + STRIDE * i, m, 8);
    store<f64>(info + STRIDE * i, lwi == 0 ? 1 : m / (m - NativeMath.expm1(lwi)), 16); // 1 - w = -expm1(ln w)
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
