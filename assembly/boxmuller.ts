// Box-Muller in float32 (Box & Muller 1958): a Philox block (x0, x1, x2, x3) gives 4 standard normals
//   (r_a cos t_a, r_a sin t_a, r_b cos t_b, r_b sin t_b),  r_a = sqrt(-2 ln u(x0)), t_a = 2 pi u(x1), (b: x2, x3)
// with u(x) = (x + 0.5) 2^-32 in (0, 1). So r lies in [2^-16, sqrt(66 ln 2) = 6.76371] and |z| <= 6.7638.
// Own polynomials, no host Math: ln is 2 atanh(s) to s^9, sin/cos are Taylor to phi^9 / phi^10 on |phi| <= pi/4
// (truncation < 2e-9); end to end each normal is within 3e-7 max(1, r) of the exact float64 Box-Muller
// (measured 2.1e-7 on 2^20 normals and edge words; tested). The scalar and SIMD paths run the same float32
// operations in the same order, so they are bit-identical (tested).

const UPPER: u32 = 0xb504f334; // x >= UPPER <=> u(x) >= sqrt(1/2): then ln u = log1p(-(1 - u)), 1 - u exact
const SQRT2_BITS: i32 = 0x3fb504f3; // float32 just below sqrt(2): mantissas above it are halved
const M32: f32 = 2.3283064365386963e-10; // 2^-32
const M33: f32 = 1.1641532182693481e-10; // 2^-33
const LN2_HI: f32 = 0.693145751953125; // 0x3f317200: 15 significant bits, so k * LN2_HI is exact
const LN2_LO: f32 = 1.428606765330187e-6; // ln 2 - LN2_HI
const PI_M31: f32 = 1.462918119976564e-9; // pi 2^-31: phi = (d + 0.5) pi 2^-31
const A3: f32 = 1.0 / 3.0; // 2 atanh(s) = 2s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9 + ...)
const A5: f32 = 1.0 / 5.0;
const A7: f32 = 1.0 / 7.0;
const A9: f32 = 1.0 / 9.0;
const S3: f32 = -1.0 / 6.0; // sin phi = phi + phi^3 (S3 + phi^2 (S5 + phi^2 (S7 + phi^2 S9)))
const S5: f32 = 1.0 / 120.0;
const S7: f32 = -1.0 / 5040.0;
const S9: f32 = 1.0 / 362880.0;
const C4: f32 = 1.0 / 24.0; // cos phi = (1 - phi^2 / 2) + phi^4 (C4 + phi^2 (C6 + phi^2 (C8 + phi^2 C10)))
const C6: f32 = -1.0 / 720.0;
const C8: f32 = 1.0 / 40320.0;
const C10: f32 = -1.0 / 3628800.0;

// sqrt(-2 ln u(x)). ln u = e ln 2 + log1p(f), with f = -(1 - u) exact for u >= sqrt(1/2), else from u's bits.
@inline function radius(x: u32): f32 {
  let e: f32 = 0;
  let f: f32 = -((<f32>~x + 0.5) * M32);
  if (x < UPPER) {
    const bits = reinterpret<i32>(<f32>x * M32 + M33);
    let m = (bits & 0x7fffff) | 0x3f800000;
    let k = (bits >>> 23) - 127;
    if (m > SQRT2_BITS) { m -= 0x800000; k += 1; }
    e = <f32>k;
    f = reinterpret<f32>(m) - 1;
  }
  const s = f / (2 + f);
  const z = s * s;
  const p = ((A9 * z + A7) * z + A5) * z + A3;
  const q = z * p;
  const l1p = f - s * (f - (q + q)); // log1p(f) = 2s + 2s z p and 2s = f - f s
  const ln = e * LN2_HI + (l1p + e * LN2_LO);
  return sqrt<f32>(-2 * ln);
}

// Phase of t = 2 pi u(x) relative to the nearest quarter turn j: phi = t - j pi/2 in [-pi/4, pi/4].
@inline function quadrant(x: u32): u32 { return (x + 0x20000000) >>> 30; }
@inline function phase(x: u32): f32 {
  return (<f32>(<i32>(x - (quadrant(x) << 30))) + 0.5) * PI_M31;
}
@inline function sinPoly(phi: f32): f32 {
  const z = phi * phi;
  return phi + (phi * z) * (((S9 * z + S7) * z + S5) * z + S3);
}
@inline function cosPoly(phi: f32): f32 {
  const z = phi * phi;
  return (1 - z * 0.5) + (z * z) * (((C10 * z + C8) * z + C6) * z + C4);
}
@inline function cosTurn(x: u32): f32 {
  const j = quadrant(x), phi = phase(x);
  const c = j & 1 ? sinPoly(phi) : cosPoly(phi);
  return (j + 1) & 2 ? -c : c;
}
@inline function sinTurn(x: u32): f32 {
  const j = quadrant(x), phi = phase(x);
  const s = j & 1 ? cosPoly(phi) : sinPoly(phi);
  return j & 2 ? -s : s;
}

/** Scalar path: the 4 normals of one Philox block (x0..x3) to dst (f32[4], any alignment). */
export function normalsOfBlock(dst: usize, x0: u32, x1: u32, x2: u32, x3: u32): void {
  const ra = radius(x0);
  const rb = radius(x2);
  store<f32>(dst, ra * cosTurn(x1));
  store<f32>(dst, ra * sinTurn(x1), 4);
  store<f32>(dst, rb * cosTurn(x3), 8);
  store<f32>(dst, rb * sinTurn(x3), 12);
}

@inline function radius4(x: v128): v128 {
  const upper = i32x4.ge_u(x, i32x4.splat(UPPER));
  const fUp = f32x4.neg(f32x4.mul(f32x4.add(f32x4.convert_i32x4_u(v128.not(x)), f32x4.splat(0.5)), f32x4.splat(M32)));
  const bits = f32x4.add(f32x4.mul(f32x4.convert_i32x4_u(x), f32x4.splat(M32)), f32x4.splat(M33));
  let m = v128.or(v128.and(bits, i32x4.splat(0x7fffff)), i32x4.splat(0x3f800000));
  let k = i32x4.sub(i32x4.shr_u(bits, 23), i32x4.splat(127));
  const big = i32x4.gt_s(m, i32x4.splat(SQRT2_BITS));
  m = i32x4.sub(m, v128.and(big, i32x4.splat(0x800000)));
  k = i32x4.sub(k, big); // big is -1 where the mantissa was halved
  const e = v128.andnot(f32x4.convert_i32x4_s(k), upper); // +0.0 on the upper branch, as in radius()
  const f = v128.bitselect(fUp, f32x4.sub(m, f32x4.splat(1)), upper);
  const s = f32x4.div(f, f32x4.add(f32x4.splat(2), f));
  const z = f32x4.mul(s, s);
  let p = f32x4.add(f32x4.mul(f32x4.splat(A9), z), f32x4.splat(A7));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(A5));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(A3));
  const q = f32x4.mul(z, p);
  const l1p = f32x4.sub(f, f32x4.mul(s, f32x4.sub(f, f32x4.add(q, q))));
  const lo = f32x4.add(l1p, f32x4.mul(e, f32x4.splat(LN2_LO)));
  const ln = f32x4.add(f32x4.mul(e, f32x4.splat(LN2_HI)), lo);
  return f32x4.sqrt(f32x4.mul(f32x4.splat(-2), ln));
}

// SIMD twins of quadrant / phase / sinPoly / cosPoly and of the quadrant's swap and sign flips.
@inline function quadrant4(x: v128): v128 { return i32x4.shr_u(i32x4.add(x, i32x4.splat(0x20000000)), 30); }
@inline function phase4(x: v128): v128 {
  const d = i32x4.sub(x, i32x4.shl(quadrant4(x), 30));
  return f32x4.mul(f32x4.add(f32x4.convert_i32x4_s(d), f32x4.splat(0.5)), f32x4.splat(PI_M31));
}
@inline function sinPoly4(phi: v128): v128 {
  const z = f32x4.mul(phi, phi);
  let p = f32x4.add(f32x4.mul(f32x4.splat(S9), z), f32x4.splat(S7));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(S5));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(S3));
  return f32x4.add(phi, f32x4.mul(f32x4.mul(phi, z), p));
}
@inline function cosPoly4(phi: v128): v128 {
  const z = f32x4.mul(phi, phi);
  let p = f32x4.add(f32x4.mul(f32x4.splat(C10), z), f32x4.splat(C8));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(C6));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(C4));
  return f32x4.add(f32x4.sub(f32x4.splat(1), f32x4.mul(z, f32x4.splat(0.5))), f32x4.mul(f32x4.mul(z, z), p));
}
@inline function swap4(x: v128): v128 { return i32x4.neg(v128.and(quadrant4(x), i32x4.splat(1))); }
@inline function cosSign4(x: v128): v128 {
  return i32x4.shl(v128.and(i32x4.add(quadrant4(x), i32x4.splat(1)), i32x4.splat(2)), 30);
}
@inline function sinSign4(x: v128): v128 { return i32x4.shl(v128.and(quadrant4(x), i32x4.splat(2)), 30); }

/**
 * SIMD path: the 16 normals of 4 consecutive blocks, from words (u32[16], word-major as philox4x32x4 writes
 * them, 16-byte aligned), to dst (f32[16] in element order, any alignment). Bit-identical to normalsOfBlock.
 */
@inline export function normalsOf4Blocks(dst: usize, words: usize): void {
  const ra = radius4(v128.load(words));
  const rb = radius4(v128.load(words, 32));
  const xa = v128.load(words, 16), xb = v128.load(words, 48);
  const pa = phase4(xa), pb = phase4(xb);
  const sinA = sinPoly4(pa), cosA = cosPoly4(pa), sinB = sinPoly4(pb), cosB = cosPoly4(pb);
  const ca = v128.xor(v128.bitselect(sinA, cosA, swap4(xa)), cosSign4(xa));
  const sa = v128.xor(v128.bitselect(cosA, sinA, swap4(xa)), sinSign4(xa));
  const cb = v128.xor(v128.bitselect(sinB, cosB, swap4(xb)), cosSign4(xb));
  const sb = v128.xor(v128.bitselect(cosB, sinB, swap4(xb)), sinSign4(xb));
  // Lane i holds block i: transpose so that each block's 4 normals are contiguous.
  const a = f32x4.mul(ra, ca), b = f32x4.mul(ra, sa), c = f32x4.mul(rb, cb), d = f32x4.mul(rb, sb);
  const ab01 = i32x4.shuffle(a, b, 0, 4, 1, 5), ab23 = i32x4.shuffle(a, b, 2, 6, 3, 7);
  const cd01 = i32x4.shuffle(c, d, 0, 4, 1, 5), cd23 = i32x4.shuffle(c, d, 2, 6, 3, 7);
  v128.store(dst, i64x2.shuffle(ab01, cd01, 0, 2));
  v128.store(dst, i64x2.shuffle(ab01, cd01, 1, 3), 16);
  v128.store(dst, i64x2.shuffle(ab23, cd23, 0, 2), 32);
  v128.store(dst, i64x2.shuffle(ab23, cd23, 1, 3), 48);
}
