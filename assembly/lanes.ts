// Shared SIMD helpers of the vector, verification, residual and mixture kernels (not exported from core.wasm).
// f32 buffers need only 4-byte alignment (v128 loads and stores are unaligned-safe).
// Lane order is fixed (two f64x2 accumulators over lanes {0,1} and {2,3}, then the scalar tail),
// so every reduction is deterministic and a scalar reference can reproduce it bit for bit.

@inline export function lo64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
@inline export function hi64(v: v128): v128 { return f64x2.promote_low_f32x4(i64x2.shuffle(v, v, 1, 1)); }
// Two f32 at p as f64x2; a 64-bit load beats promoting the high half of a 128-bit load (no shuffle).
@inline export function ld64(p: usize): v128 { return f64x2.promote_low_f32x4(v128.load64_zero(p)); }

// The four partial sums, added in a fixed order.
@inline export function total(s0: v128, s1: v128): f64 {
  const s = f64x2.add(s0, s1);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** sum (a[i] - b[i]) * c[i] over n f32, differences and products in f64 (exact from f32). */
export function dotDiff(a: usize, b: usize, c: usize, n: u32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const va = v128.load(a + o), vb = v128.load(b + o), vc = v128.load(c + o);
    s0 = f64x2.add(s0, f64x2.mul(f64x2.sub(lo64(va), lo64(vb)), lo64(vc)));
    s1 = f64x2.add(s1, f64x2.mul(f64x2.sub(hi64(va), hi64(vb)), hi64(vc)));
  }
  let sum = total(s0, s1);
  for (; i < n; i++) {
    const o = <usize>i << 2;
    sum += (<f64>load<f32>(a + o) - <f64>load<f32>(b + o)) * <f64>load<f32>(c + o);
  }
  return sum;
}

/** out[i] = f32((muT[i] + sigma * z[i]) + k * (muT[i] - muD[i])), all in f64, rounded once; out may alias any input exactly. */
export function shiftAlong(out: usize, muT: usize, muD: usize, z: usize, n: u32, sigma: f64, k: f64): void {
  const vs = f64x2.splat(sigma), vk = f64x2.splat(k);
  let i: u32 = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const t = v128.load(muT + o), d = v128.load(muD + o), x = v128.load(z + o);
    const tl = lo64(t), th = hi64(t);
    const yl = f64x2.add(f64x2.add(tl, f64x2.mul(vs, lo64(x))), f64x2.mul(vk, f64x2.sub(tl, lo64(d))));
    const yh = f64x2.add(f64x2.add(th, f64x2.mul(vs, hi64(x))), f64x2.mul(vk, f64x2.sub(th, hi64(d))));
    v128.store(out + o, i64x2.shuffle(f32x4.demote_f64x2_zero(yl), f32x4.demote_f64x2_zero(yh), 0, 2));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const t = <f64>load<f32>(muT + o);
    store<f32>(out + o, <f32>((t + sigma * <f64>load<f32>(z + o)) + k * (t - <f64>load<f32>(muD + o))));
  }
}

/** True when all n f32 values are finite (no NaN, no inf); scalar, used only on rare paths. */
export function allFinite(p: usize, n: u32): bool {
  for (let i: u32 = 0; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (!(v - v == 0)) return false;
  }
  return true;
}
