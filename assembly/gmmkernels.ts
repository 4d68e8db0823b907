// SIMD loops of the mixture denoiser (gmm.ts): f32 means promoted to f64, f64 accumulation.
// Every loop has a scalar tail and a fixed lane and summation order, so results are deterministic.
import { ld64, total } from "./lanes";

/** xs[i] = f64(x[i]) for i < d. */
export function promoteRow(xs: usize, x: usize, d: u32): void {
  let i: u32 = 0;
  for (; i + 2 <= d; i += 2) v128.store(xs + (<usize>i << 3), ld64(x + (<usize>i << 2)));
  if (i < d) store<f64>(xs + (<usize>i << 3), <f64>load<f32>(x + (<usize>i << 2)));
}

/** out0 = xs . m0 and out1 = xs . m1 (f64 xs, f32 m); sharing the xs loads between two means is ~15% faster. out0 may equal out1 when m0 == m1. */
export function dot2(out0: usize, out1: usize, xs: usize, m0: usize, m1: usize, d: u32): void {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= d; i += 4) {
    const o = <usize>i << 2, px = xs + (<usize>i << 3);
    const x0 = v128.load(px), x1 = v128.load(px, 16);
    a0 = f64x2.add(a0, f64x2.mul(ld64(m0 + o), x0));
    a1 = f64x2.add(a1, f64x2.mul(ld64(m0 + o + 8), x1));
    b0 = f64x2.add(b0, f64x2.mul(ld64(m1 + o), x0));
    b1 = f64x2.add(b1, f64x2.mul(ld64(m1 + o + 8), x1));
  }
  let sa = total(a0, a1), sb = total(b0, b1);
  for (; i < d; i++) {
    const x = load<f64>(xs + (<usize>i << 3));
    sa += x * <f64>load<f32>(m0 + (<usize>i << 2));
    sb += x * <f64>load<f32>(m1 + (<usize>i << 2));
  }
  store<f64>(out0, sa);
  store<f64>(out1, sb);
}

/** acc[i] += p m[i] + q n[i] (f64 acc, f32 m and n); q = 0 with n = m adds p m[i] exactly. */
export function axpy2(acc: usize, p: f64, m: usize, q: f64, n: usize, d: u32): void {
  const pv = f64x2.splat(p), qv = f64x2.splat(q);
  let i: u32 = 0;
  for (; i + 4 <= d; i += 4) {
    const o = <usize>i << 2, pa = acc + (<usize>i << 3);
    const lo = f64x2.add(f64x2.mul(pv, ld64(m + o)), f64x2.mul(qv, ld64(n + o)));
    const hi = f64x2.add(f64x2.mul(pv, ld64(m + o + 8)), f64x2.mul(qv, ld64(n + o + 8)));
    v128.store(pa, f64x2.add(v128.load(pa), lo));
    v128.store(pa, f64x2.add(v128.load(pa, 16), hi), 16);
  }
  for (; i < d; i++) {
    const pa = acc + (<usize>i << 3);
    store<f64>(pa, load<f64>(pa) + (p * <f64>load<f32>(m + (<usize>i << 2)) + q * <f64>load<f32>(n + (<usize>i << 2))));
  }
}

/** out[i] = f32(c1 mbar[i] + c2 xs[i]), rounded once (f64 mbar, xs; f32 out). */
export function combine(out: usize, mbar: usize, c1: f64, xs: usize, c2: f64, d: u32): void {
  const v1 = f64x2.splat(c1), v2 = f64x2.splat(c2);
  let i: u32 = 0;
  for (; i + 4 <= d; i += 4) {
    const pm = mbar + (<usize>i << 3), px = xs + (<usize>i << 3);
    const lo = f64x2.add(f64x2.mul(v1, v128.load(pm)), f64x2.mul(v2, v128.load(px)));
    const hi = f64x2.add(f64x2.mul(v1, v128.load(pm, 16)), f64x2.mul(v2, v128.load(px, 16)));
    v128.store(out + (<usize>i << 2), f32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < d; i++) {
    store<f32>(out + (<usize>i << 2), <f32>(c1 * load<f64>(mbar + (<usize>i << 3)) + c2 * load<f64>(xs + (<usize>i << 3))));
  }
}

/** out0 = |xs - alpha m0|^2 and out1 = |xs - alpha m1|^2 (f64 xs and alpha, f32 m): each difference is formed
 * before squaring, so nothing cancels against |xs|^2. out0 may equal out1 when m0 == m1. */
export function dist2(out0: usize, out1: usize, xs: usize, m0: usize, m1: usize, alpha: f64, d: u32): void {
  const av = f64x2.splat(alpha);
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0), b0 = f64x2.splat(0), b1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= d; i += 4) {
    const o = <usize>i << 2, px = xs + (<usize>i << 3);
    const x0 = v128.load(px), x1 = v128.load(px, 16);
    const e0 = f64x2.sub(x0, f64x2.mul(av, ld64(m0 + o))), e1 = f64x2.sub(x1, f64x2.mul(av, ld64(m0 + o + 8)));
    const f0 = f64x2.sub(x0, f64x2.mul(av, ld64(m1 + o))), f1 = f64x2.sub(x1, f64x2.mul(av, ld64(m1 + o + 8)));
    a0 = f64x2.add(a0, f64x2.mul(e0, e0));
    a1 = f64x2.add(a1, f64x2.mul(e1, e1));
    b0 = f64x2.add(b0, f64x2.mul(f0, f0));
    b1 = f64x2.add(b1, f64x2.mul(f1, f1));
  }
  let sa = total(a0, a1), sb = total(b0, b1);
  for (; i < d; i++) {
    const x = load<f64>(xs + (<usize>i << 3));
    const e = x - alpha * <f64>load<f32>(m0 + (<usize>i << 2));
    const f = x - alpha * <f64>load<f32>(m1 + (<usize>i << 2));
    sa += e * e;
    sb += f * f;
  }
  store<f64>(out0, sa);
  store<f64>(out1, sb);
}
