// Mass and tail of the weighted residual max(0, w T - D) along e (ALGORITHMS.md section 4; [A] Prop. 3.1).
// With c = delta/2 - ln(w)/delta the cut, b = c - delta, and s > c the coordinate from mu_D (v = s - delta
// from mu_T), the tail mass above s is the product of positive factors
//   G(s) = w Phi_bar(v) (1 - e^{-x}),   x = ln(w Phi_bar(v) / Phi_bar(s)) = delta (s - c) + [ln R(v) - ln R(s)],
// R the Mills ratio: no difference of nearly equal tail probabilities is ever formed, for delta -> 0
// (x -> 0 handled by quadrature below) or delta large (x -> inf, 1 - e^{-x} -> 1), and w in (0, 1].
import { millsHazardGap, millsLogRatio, normLogSf } from "./special";

/** Above this delta the two kernels are disjoint in float64 and the residual is the target (no overflow). */
export const DELTA_HUGE: f64 = 1e150;

// 8-point Gauss-Legendre nodes and weights on [-1, 1] (Abramowitz & Stegun, Table 25.4).
const X1: f64 = 0.1834346424956498, X2: f64 = 0.5255324099163290;
const X3: f64 = 0.7966664774136267, X4: f64 = 0.9602898564975363;
const W1: f64 = 0.3626837833783620, W2: f64 = 0.3137066458778873;
const W3: f64 = 0.2223810344533745, W4: f64 = 0.1012285362903763;

/** ln R(v) - ln R(v + delta) >= 0 for delta > 0: the integral of h = 1/R - x over [v, v + delta]. */
// On narrow intervals (delta <= 1 or delta <= v/4) the two logs nearly cancel, so Gauss-Legendre is used:
// h is analytic at distance >= 2.8 from the real axis (zeros of erfc), error < 1e-16 relative there.
export function millsLogDrop(v: f64, delta: f64): f64 {
  if (delta <= 1 || delta <= 0.25 * v) {
    const r = 0.5 * delta, m = v + r;
    return r * (W1 * (millsHazardGap(m - r * X1) + millsHazardGap(m + r * X1))
      + W2 * (millsHazardGap(m - r * X2) + millsHazardGap(m + r * X2))
      + W3 * (millsHazardGap(m - r * X3) + millsHazardGap(m + r * X3))
      + W4 * (millsHazardGap(m - r * X4) + millsHazardGap(m + r * X4)));
  }
  return millsLogRatio(v) - millsLogRatio(v + delta);
}

/** ln(1 - e^{-x}) for x >= 0, accurate at both ends (Maechler 2012, "Accurately computing log(1 - exp(-|a|))"). */
export function log1mexp(x: f64): f64 {
  return x <= 0.6931471805599453 ? NativeMath.log(-NativeMath.expm1(-x)) : NativeMath.log1p(-NativeMath.exp(-x));
}

/** The cut c = delta/2 - ln(w)/delta where w T and D cross (delta > 0, ln w <= 0). */
export function residualCut(delta: f64, logW: f64): f64 {
  return 0.5 * delta - logW / delta;
}

/** ln M, M = w Phi_bar(c - delta) - Phi_bar(c) the residual mass; -inf when delta = 0 or w = 0, ln w when delta >= DELTA_HUGE. */
// Relative error of M ~ 1e-15 (1 + |ln M|), from the exp of a log; ln M itself is accurate to ~1e-15 absolute.
export function residualLogMass(delta: f64, logW: f64): f64 {
  if (!(delta > 0) || !(logW > -Infinity)) return -Infinity;
  const lw = logW < 0 ? logW : 0;
  if (delta >= DELTA_HUGE) return lw;
  const c = residualCut(delta, lw);
  if (!(c < Infinity)) return -Infinity;
  const b = c - delta;
  return lw + normLogSf(b) + log1mexp(millsLogDrop(b, delta));
}
