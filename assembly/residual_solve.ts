// One-step sampler of the weighted residual along e: solve G(s) / M = u on the half-line s > c
// (ALGORITHMS.md section 4, [A] Prop. 3.1) by bracketing plus safeguarded Newton in float64.
// phi(z) = ln(G / M) - ln u is decreasing and concave (the residual density is log-concave), so a Newton
// step from the left lands right of the root and steps from the right decrease monotonically onto it.
// Unknown: y = s - c when b = c - delta >= 0 (mass near the cut), v = s - delta when b < 0 (mass near
// mu_T), so the result keeps full precision in the frame that matters. Accuracy: at the returned point
// ln(G/M) = ln u to float64 rounding of the log-tail; against quadrature of the density (test/core/
// residual.test.ts) the error is < 2e-13 (1 + |ln u|) for u down to 1e-250: the sampled law is exact.
import { millsRatio, millsLogRatio, normLogSf } from "./special";
import { DELTA_HUGE, log1mexp, millsLogDrop, residualCut } from "./residual_mass";

const MAX_ITER = 100;
const U_MIN: f64 = 1e-300; // smallest tail probability served (a 37-sigma tail of the residual)

// Abramowitz & Stegun 26.2.23: z with Phi_bar(z) = exp(lp), |error| < 4.5e-4; a Newton start only.
function tailQuantileGuess(lp: f64): f64 {
  const upper = lp <= -0.6931471805599453;
  const t = NativeMath.sqrt(-2 * (upper ? lp : NativeMath.log(-NativeMath.expm1(lp))));
  const z = t - (2.515517 + t * (0.802853 + t * 0.010328)) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)));
  return upper ? z : -z;
}

// phi and its derivative at offset y = s - c >= 0 (v = b + y), for the frame chosen by useV.
// dphi/dy = -(1/R(v)) (1 - e^{-delta y}) / (1 - e^{-x}) (ratio of residual density to tail).
let dphi: f64 = 0; // second result of phiAt
function phiAt(y: f64, v: f64, b: f64, delta: f64, useV: bool, base: f64): f64 {
  const x = delta * y + millsLogDrop(v, delta);
  const body = useV ? normLogSf(v) : -y * (b + 0.5 * y) + millsLogRatio(v);
  dphi = -(NativeMath.expm1(-delta * y) / NativeMath.expm1(-x)) / millsRatio(v);
  return body + log1mexp(x) - base;
}

// Frame of the last solve: inV (result is v = s - delta, else y = s - c) and the cut's b = c - delta.
let inV: bool = false;
let cutB: f64 = 0;

/** Iterations used by the last residual solve (diagnostics; bounded by 100). */
export let residualIters: i32 = 0;

// Solves G(s)/M = u; ln w > 0 is taken as 0. Degenerate inputs (delta <= 0 or NaN, delta >= DELTA_HUGE,
// ln w = -inf or NaN, an infinite cut: zero mass) give 0 in the v frame with b = 0; residualApply then
// draws a plain Gaussian (and block verification never asks for a zero-mass residual).
function solve(delta: f64, logW: f64, u: f64): f64 {
  inV = true; cutB = 0; residualIters = 0;
  if (!(delta > 0) || delta >= DELTA_HUGE || !(logW > -Infinity)) return 0;
  const lw = logW < 0 ? logW : 0;
  const c = residualCut(delta, lw);
  if (!(c < Infinity)) return 0;
  const b = c - delta;
  cutB = b;
  const useV = b < 0;
  inV = useV;
  if (!(u < 1)) return useV ? b : 0;
  const lu = NativeMath.log(u > U_MIN ? u : U_MIN);
  // ln of the tail at the cut, in the frame's own normalisation, plus ln u.
  const base = (useV ? normLogSf(b) : millsLogRatio(b)) + log1mexp(millsLogDrop(b, delta)) + lu;
  // Start from the quantile of the target alone (e^{-b y - y^2/2}, or N(0,1) above b): left of the root.
  let z = useV ? tailQuantileGuess(lu + normLogSf(b)) : -2 * lu / (b + NativeMath.sqrt(b * b - 2 * lu));
  const zmin = useV ? b : 0;
  if (!(z > zmin)) z = zmin + (useV ? 1 : 1 / (b + 1)) * 1e-3;
  let lo = zmin, hi = Infinity;
  for (let it = 0; it < MAX_ITER; it++) {
    const y = useV ? z - b : z;
    residualIters = it + 1;
    const f = phiAt(y, useV ? z : b + z, b, delta, useV, base);
    if (f > 0) lo = z;
    else if (f < 0) hi = z;
    else break;
    const step = f / dphi;
    const tol = 1e-15 * (z - zmin) + 4.5e-16 * NativeMath.abs(z); // rounding level of z and of its offset
    if (NativeMath.abs(step) <= tol) break;
    let zn = z - step;
    if (!(zn > lo && zn < hi)) {
      // Newton left the bracket (flat spot or rounding): expand, or shrink the offset from zmin.
      if (hi == Infinity) zn = zmin + 4 * (z - zmin);
      else if (lo == zmin) zn = zmin + 0.25 * (hi - zmin);
      else if (hi - zmin > 4 * (lo - zmin)) zn = zmin + NativeMath.sqrt((lo - zmin) * (hi - zmin));
      else zn = 0.5 * (lo + hi);
    }
    z = zn;
    if (hi - lo <= tol) break; // bracket at rounding level (never while hi is infinite)
  }
  return z;
}

/** v = s - delta: coordinate along e from mu_T of the residual draw with P(S > s) = u, u in (0, 1]. */
export function residualCoord(delta: f64, logW: f64, u: f64): f64 {
  const z = solve(delta, logW, u);
  return inV ? z : cutB + z;
}

/** y = s - c >= 0: the same draw as an offset above the cut, at full relative precision (0 if degenerate). */
export function residualOffset(delta: f64, logW: f64, u: f64): f64 {
  const z = solve(delta, logW, u);
  return inV ? z - cutB : z;
}
