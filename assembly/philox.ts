// Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel Random Numbers: As Easy as 1, 2, 3", SC 2011;
// Random123). Counter-based: a block (c0..c3) under a key (k0, k1) maps to 4 words with no state, so
// any block of any stream can be computed alone. Known answers are checked in test/core/philox.test.ts.

// Round multipliers and Weyl key increments of Philox4x32 (Random123 constants).
const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9; // golden ratio, 2^32 / phi
const W1: u32 = 0xbb67ae85; // 2^32 * (sqrt(3) - 1)
const ROUNDS = 10;

/** Scalar Philox4x32-10: writes the 4 words of block (c0, c1, c2, c3) under key (k0, k1) to out (u32[4], any alignment). */
export function philox4x32(out: usize, c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32): void {
  for (let r = 0; r < ROUNDS; r++) {
    const p0 = <u64>M0 * <u64>c0;
    const p1 = <u64>M1 * <u64>c2;
    const n0 = <u32>(p1 >>> 32) ^ c1 ^ k0;
    const n2 = <u32>(p0 >>> 32) ^ c3 ^ k1;
    c0 = n0;
    c1 = <u32>p1;
    c2 = n2;
    c3 = <u32>p0;
    k0 += W0;
    k1 += W1;
  }
  store<u32>(out, c0);
  store<u32>(out, c1, 4);
  store<u32>(out, c2, 8);
  store<u32>(out, c3, 12);
}

/**
 * Philox4x32-10 on the 4 consecutive blocks c0, c0+1, c0+2, c0+3 (mod 2^32) at once, one block per SIMD lane.
 * Writes word w of block c0+i to out[4w + i] (u32[16], word-major, any alignment); bit-identical to philox4x32.
 */
@inline export function philox4x32x4(out: usize, c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32): void {
  let x0 = i32x4.add(i32x4.splat(c0), i32x4(0, 1, 2, 3));
  let x1 = i32x4.splat(c1);
  let x2 = i32x4.splat(c2);
  let x3 = i32x4.splat(c3);
  const m0 = i32x4.splat(M0);
  const m1 = i32x4.splat(M1);
  for (let r = 0; r < ROUNDS; r++) {
    // 32x32->64 lane products as two i64x2 halves; hi/lo words are gathered by shuffles (cheaper than i32x4.mul).
    const p0l = i64x2.extmul_low_i32x4_u(x0, m0), p0h = i64x2.extmul_high_i32x4_u(x0, m0);
    const p1l = i64x2.extmul_low_i32x4_u(x2, m1), p1h = i64x2.extmul_high_i32x4_u(x2, m1);
    x0 = v128.xor(v128.xor(i32x4.shuffle(p1l, p1h, 1, 3, 5, 7), x1), i32x4.splat(k0));
    x1 = i32x4.shuffle(p1l, p1h, 0, 2, 4, 6);
    x2 = v128.xor(v128.xor(i32x4.shuffle(p0l, p0h, 1, 3, 5, 7), x3), i32x4.splat(k1));
    x3 = i32x4.shuffle(p0l, p0h, 0, 2, 4, 6);
    k0 += W0;
    k1 += W1;
  }
  v128.store(out, x0);
  v128.store(out, x1, 16);
  v128.store(out, x2, 32);
  v128.store(out, x3, 48);
}
