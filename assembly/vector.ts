// Vector kernels on float32 storage. ABI: (out, in..., n) with byte pointers (4-byte aligned; 16 not needed)
// and n elements. Elementwise kernels convert their f64 scalars to f32 once and compute in float32 in the
// order written, SIMD body and scalar tail alike (so results are independent of n and alignment); out may
// alias any input exactly (same pointer), never partially. Reductions add exact float32 products in float64
// lanes (4 partial sums, fixed order) and return f64: deterministic, error <= n 2^-53 sum |terms|.
import { ld64, total } from "./lanes";

/** sum a[i] * b[i] over n f32 elements, accumulated in f64. */
export function dot(a: usize, b: usize, n: u32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const pa = a + (<usize>i << 2), pb = b + (<usize>i << 2);
    s0 = f64x2.add(s0, f64x2.mul(ld64(pa), ld64(pb)));
    s1 = f64x2.add(s1, f64x2.mul(ld64(pa + 8), ld64(pb + 8)));
  }
  let sum = total(s0, s1);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    sum += <f64>load<f32>(a + o) * <f64>load<f32>(b + o);
  }
  return sum;
}

/** sum a[i]^2 over n f32 elements, accumulated in f64. */
export function sqnorm(a: usize, n: u32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const pa = a + (<usize>i << 2);
    const l = ld64(pa), h = ld64(pa + 8);
    s0 = f64x2.add(s0, f64x2.mul(l, l));
    s1 = f64x2.add(s1, f64x2.mul(h, h));
  }
  let sum = total(s0, s1);
  for (; i < n; i++) {
    const v = <f64>load<f32>(a + (<usize>i << 2));
    sum += v * v;
  }
  return sum;
}

/** sum (a[i] - b[i])^2 over n f32 elements; differences and sum in f64. */
export function sqdist(a: usize, b: usize, n: u32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const pa = a + (<usize>i << 2), pb = b + (<usize>i << 2);
    const l = f64x2.sub(ld64(pa), ld64(pb)), h = f64x2.sub(ld64(pa + 8), ld64(pb + 8));
    s0 = f64x2.add(s0, f64x2.mul(l, l));
    s1 = f64x2.add(s1, f64x2.mul(h, h));
  }
  let sum = total(s0, s1);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const d = <f64>load<f32>(a + o) - <f64>load<f32>(b + o);
    sum += d * d;
  }
  return sum;
}

/** y[i] = y[i] + alpha * x[i] in f32 (y may be x). */
export function axpy(y: usize, alpha: f64, x: usize, n: u32): void {
  const a = <f32>alpha, va = f32x4.splat(a);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(va, v128.load(x + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(y + o, load<f32>(y + o) + a * load<f32>(x + o));
  }
}

/** out[i] = alpha * x[i] in f32. */
export function scale(out: usize, alpha: f64, x: usize, n: u32): void {
  const a = <f32>alpha, va = f32x4.splat(a);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.mul(va, v128.load(x + o)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, a * load<f32>(x + o));
  }
}

/** out[i] = a * x[i] + b * y[i] in f32. */
export function affine2(out: usize, a: f64, x: usize, b: f64, y: usize, n: u32): void {
  const fa = <f32>a, fb = <f32>b, va = f32x4.splat(fa), vb = f32x4.splat(fb);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.add(f32x4.mul(va, v128.load(x + o)), f32x4.mul(vb, v128.load(y + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, fa * load<f32>(x + o) + fb * load<f32>(y + o));
  }
}

/** out[i] = (a * x[i] + b * y[i]) + c * z[i] in f32: the scheduler step x_prev = A x0_hat + B x_t + sigma noise. */
export function affine3(out: usize, a: f64, x: usize, b: f64, y: usize, c: f64, z: usize, n: u32): void {
  const fa = <f32>a, fb = <f32>b, fc = <f32>c;
  const va = f32x4.splat(fa), vb = f32x4.splat(fb), vc = f32x4.splat(fc);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const ab = f32x4.add(f32x4.mul(va, v128.load(x + o)), f32x4.mul(vb, v128.load(y + o)));
    v128.store(out + o, f32x4.add(ab, f32x4.mul(vc, v128.load(z + o))));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, (fa * load<f32>(x + o) + fb * load<f32>(y + o)) + fc * load<f32>(z + o));
  }
}

/** out[i] = min(max(x[i], lo), hi) in f32 (bounds rounded to f32); NaN stays NaN, so it is not hidden. */
export function clampF32(out: usize, x: usize, lo: f64, hi: f64, n: u32): void {
  const l = <f32>lo, h = <f32>hi, vl = f32x4.splat(l), vh = f32x4.splat(h);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, f32x4.min(f32x4.max(v128.load(x + o), vl), vh));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, min<f32>(max<f32>(load<f32>(x + o), l), h));
  }
}

/** out[i] = x[i] for n f32 elements; any overlap allowed (memmove). */
export function copyF32(out: usize, x: usize, n: u32): void {
  memory.copy(out, x, <usize>n << 2);
}
