// Standard normals (f32) and open-interval uniforms (f64) from Philox4x32-10 streams (ALGORITHMS.md section 6).
// A stream is a key (k0, k1) and counter words (c1, c2, c3); the block index is c0, so element j is a pure
// function of (key, c1, c2, c3, j) and any slice regenerates alone, whatever the buffer's split.
import { philox4x32, philox4x32x4 } from "./philox";
import { normalsOfBlock, normalsOf4Blocks } from "./boxmuller";

const WORDS = memory.data(64, 16); // Philox output: one block, or 4 blocks word-major
const BLOCK = memory.data(16, 16); // the 4 normals of one block on the scalar path

// Writes normals first..first+take-1 (take <= 4 - first) of block b to dst, on the scalar path.
function normalsScalar(dst: usize, b: u32, first: u32, take: u32, k0: u32, k1: u32, c1: u32, c2: u32, c3: u32): void {
  philox4x32(WORDS, b, c1, c2, c3, k0, k1);
  normalsOfBlock(BLOCK, load<u32>(WORDS), load<u32>(WORDS, 4), load<u32>(WORDS, 8), load<u32>(WORDS, 12));
  memory.copy(dst, BLOCK + (<usize>first << 2), <usize>take << 2);
}

/**
 * Writes elements start..start+n-1 of the normal stream (key k0,k1; counter c1,c2,c3) to out (f32[n], any
 * alignment): element j is normal j & 3 of Philox block j >> 2 (Box-Muller, see boxmuller.ts), |z| <= 6.7638.
 * Requires start + n <= 2^32. SIMD on whole groups of 4 blocks, scalar on the head and tail, bit-identical.
 */
export function fillNormalF32(out: usize, start: u32, n: u32, k0: u32, k1: u32, c1: u32, c2: u32, c3: u32): void {
  let b = start >>> 2;
  const first = start & 3;
  if (first != 0 && n != 0) {
    const take = min(4 - first, n);
    normalsScalar(out, b++, first, take, k0, k1, c1, c2, c3);
    out += <usize>take << 2;
    n -= take;
  }
  while (n >= 16) {
    philox4x32x4(WORDS, b, c1, c2, c3, k0, k1);
    normalsOf4Blocks(out, WORDS);
    b += 4;
    out += 64;
    n -= 16;
  }
  while (n != 0) {
    const take = min<u32>(4, n);
    normalsScalar(out, b++, 0, take, k0, k1, c1, c2, c3);
    out += <usize>take << 2;
    n -= take;
  }
}

/**
 * Test hook: Box-Muller normals of `blocks` given Philox blocks (words u32[4*blocks], block-major) to out
 * (f32[4*blocks]), on the SIMD path for whole groups of 4 blocks when simd != 0, else all scalar.
 */
export function normalsFromWordsF32(out: usize, words: usize, blocks: u32, simd: u32): void {
  let i: u32 = 0;
  for (; simd != 0 && i + 4 <= blocks; i += 4) {
    for (let w: usize = 0; w < 4; w++) {
      for (let lane: usize = 0; lane < 4; lane++) {
        store<u32>(WORDS + ((w << 2) + lane) * 4, load<u32>(words + (((<usize>i + lane) << 2) + w) * 4));
      }
    }
    normalsOf4Blocks(out + (<usize>i << 4), WORDS);
  }
  for (; i < blocks; i++) {
    const p = words + (<usize>i << 4);
    normalsOfBlock(out + (<usize>i << 4), load<u32>(p), load<u32>(p, 4), load<u32>(p, 8), load<u32>(p, 12));
  }
}

const ONE_BITS: u64 = 0x3ff0000000000000; // 1.0: OR-ing in 52 random mantissa bits gives 1 + m 2^-52
const HALF_ULP: f64 = 1.1102230246251565e-16; // 2^-53

// (2m + 1) 2^-53 for the 52-bit m = (hi >>> 12) : lo; every step is exact, so the result is in (0, 1).
@inline function openUniform(hi: u32, lo: u32): f64 {
  const bits = ONE_BITS | (<u64>(hi >>> 12) << 32) | <u64>lo;
  return (reinterpret<f64>(bits) - 1.0) + HALF_ULP;
}

/**
 * Writes elements start..start+n-1 of the uniform stream (key k0,k1; counter c1,c2,c3) to out (f64[n], any
 * alignment): element j uses words (0,1) of Philox block j >> 1 when j is even, words (2,3) when odd; values
 * are odd multiples of 2^-53, in [2^-53, 1 - 2^-53], 52 random bits each, and 1 - u is exact. start + n <= 2^32.
 */
export function fillUniformF64(out: usize, start: u32, n: u32, k0: u32, k1: u32, c1: u32, c2: u32, c3: u32): void {
  let b = start >>> 1;
  let odd = start & 1;
  while (n != 0) {
    philox4x32(WORDS, b++, c1, c2, c3, k0, k1);
    if (odd == 0) {
      store<f64>(out, openUniform(load<u32>(WORDS), load<u32>(WORDS, 4)));
      out += 8;
      n--;
    }
    if (n != 0) {
      store<f64>(out, openUniform(load<u32>(WORDS, 8), load<u32>(WORDS, 12)));
      out += 8;
      n--;
    }
    odd = 0;
  }
}
