// Per-step verification statistics (ALGORITHMS.md section 2), one pass over memory:
// delta = |mu_T - mu_D| / sigma, s = e . xi with e = (mu_T - mu_D) / (sigma delta), log r = delta s - delta^2 / 2.
// Sums in f64 from exact f32 differences (fixed lane order, error <= n 2^-53 sum |terms|).
import { lo64, hi64, total, allFinite } from "./lanes";

const EQUAL_DELTA: f64 = 1.4901161193847656e-8; // 2^-26 = sqrt(float64 eps): below it draft equals target

/** Writes f64 out[0..2] = (delta, s, log r) for one step and returns invalid-input flags (0 = valid). */
// Flags: 1 mu_T, 2 mu_D, 4 xi has a NaN/inf, 8 sigma not in (0, inf). Invalid steps get (+inf, 0, -inf):
// they reject under any test and never produce NaN downstream. delta < 2^-26 gives (0, 0, 0): accept.
// f32 inputs n long, 4-byte aligned; out 8-byte aligned and disjoint from them.
export function stepStats(out: usize, muT: usize, muD: usize, xi: usize, n: u32, sigma: f64): i32 {
  let q0 = f64x2.splat(0), q1 = f64x2.splat(0), p0 = f64x2.splat(0), p1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const t = v128.load(muT + o), d = v128.load(muD + o), x = v128.load(xi + o);
    const dl = f64x2.sub(lo64(t), lo64(d)), dh = f64x2.sub(hi64(t), hi64(d));
    q0 = f64x2.add(q0, f64x2.mul(dl, dl));
    q1 = f64x2.add(q1, f64x2.mul(dh, dh));
    p0 = f64x2.add(p0, f64x2.mul(dl, lo64(x)));
    p1 = f64x2.add(p1, f64x2.mul(dh, hi64(x)));
  }
  let dd = total(q0, q1), dx = total(p0, p1);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const di = <f64>load<f32>(muT + o) - <f64>load<f32>(muD + o);
    dd += di * di;
    dx += di * <f64>load<f32>(xi + o);
  }
  let flags = sigma > 0 && sigma < Infinity ? 0 : 8;
  if (!(dd - dd == 0 && dx - dx == 0)) {
    // Rare path: say which input was not finite.
    if (!allFinite(muT, n)) flags |= 1;
    if (!allFinite(muD, n)) flags |= 2;
    if (!allFinite(xi, n)) flags |= 4;
    if (flags == 0) flags = 2; // unreachable for finite f32 inputs; kept so a NaN can never pass
  }
  let delta: f64 = Infinity, s: f64 = 0, logR: f64 = -Infinity;
  if (flags == 0) {
    const norm = NativeMath.sqrt(dd);
    delta = norm / sigma;
    if (delta < EQUAL_DELTA) { delta = 0; logR = 0; }
    else { s = dx / norm; logR = delta * (s - 0.5 * delta); }
  }
  store<f64>(out, delta);
  store<f64>(out, s, 8);
  store<f64>(out, logR, 16);
  return flags;
}
