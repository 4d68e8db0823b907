// Reconstruction of a residual draw in R^n ([A] Prop. 3.1; ALGORITHMS.md section 4): with v = s - delta
// from residualCoord and a fresh zeta ~ N(0, I), z_perp = zeta - (e . zeta) e and
//   y = mu_D + sigma (s e + z_perp) = mu_T + sigma zeta + ((v - e . zeta) / delta) (mu_T - mu_D),
// the second form keeping full precision when delta is large. Two SIMD passes: e . zeta, then y.
import { allFinite, dotDiff, shiftAlong } from "./lanes";
import { DELTA_HUGE } from "./residual_mass";

/** Writes the residual draw y (f32, n) for coordinate v; returns 0, or -1 with out untouched if mu_T or sigma is not finite. */
// delta = 0, >= DELTA_HUGE (incl. +inf: draft invalid) or non-finite v write y = mu_T + sigma zeta, the
// residual of disjoint kernels (and never requested when delta = 0). zeta must be finite and independent
// of the draft. Computed in f64, rounded once; out may alias an input exactly.
export function residualApply(out: usize, muT: usize, muD: usize, zeta: usize, n: u32, sigma: f64, delta: f64, v: f64): i32 {
  if (!(sigma > 0 && sigma < Infinity)) return -1;
  if (delta > 0 && delta < DELTA_HUGE && v - v == 0) {
    const p = dotDiff(muT, muD, zeta, n) / (sigma * delta); // e . zeta
    shiftAlong(out, muT, muD, zeta, n, sigma, (v - p) / delta);
    return 0;
  }
  if (!allFinite(muT, n)) return -1;
  shiftAlong(out, muT, muT, zeta, n, sigma, 0);
  return 0;
}
