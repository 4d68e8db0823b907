// Token-wise verification with the reflection maximal coupling ([B] De Bortoli et al. 2025, Alg. 1 and
// Sec. 3; ALGORITHMS.md section 3): accept the draft with probability min(1, r), else reflect xi across e.
import { normSf } from "./special";
import { allFinite, shiftAlong } from "./lanes";
import { DELTA_HUGE } from "./residual_mass";

/** 1 if ln u <= min(0, log r) (accept), else 0; NaN in u or log r, and log r = -inf (invalid step), reject. */
export function tokenAccept(u: f64, logR: f64): i32 {
  const lu = NativeMath.log(u);
  return lu <= 0 && lu <= logR && logR > -Infinity ? 1 : 0;
}

/** Acceptance probability of a maximal coupling of N(mu_T, sigma^2 I) and N(mu_D, sigma^2 I): 1 - TV = 2 Phi_bar(delta/2). */
export function couplingAcceptance(delta: f64): f64 {
  return 2 * normSf(0.5 * delta);
}

/** Rejected step's output y = mu_T + sigma (xi - 2 s e) into out (f32, n); returns 0, or -1 with out untouched if no target draw exists. */
// (delta, s) from stepStats on the same buffers. delta = +inf (draft invalid or kernels disjoint) or 0 writes
// y = mu_T + sigma xi, still an exact target draw; -1 when mu_T, xi or sigma is not finite. Computed in f64,
// rounded once; out may alias an input exactly.
export function reflect(out: usize, muT: usize, muD: usize, xi: usize, n: u32, sigma: f64, delta: f64, s: f64): i32 {
  if (!(sigma > 0 && sigma < Infinity)) return -1;
  if (delta > 0 && delta < DELTA_HUGE && s - s == 0) {
    shiftAlong(out, muT, muD, xi, n, sigma, -2 * s / delta); // sigma * 2 s e = (2 s / delta) (mu_T - mu_D)
    return 0;
  }
  if (!allFinite(muT, n) || !allFinite(xi, n)) return -1;
  shiftAlong(out, muT, muT, xi, n, sigma, 0);
  return 0;
}
