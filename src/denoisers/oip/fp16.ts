// FP32 <-> IEEE 754 binary16 for the wire, on whole arrays through integer views.
// Why not a library at run time: @petamoriken/float16's per-element DataView API measured ~1 us per
// value here (1M-value round = 1 s of Worker CPU); these loops are ~100x faster. The tests check them
// bit for bit against that library on all 2^16 halves and millions of float32 patterns, ties included.
// Host byte order is little-endian (V8 on x86-64 and arm64), the wire's order: views are read as is.

// 2^52: adding and subtracting it rounds a double in [0, 2^51) to an integer, ties to even.
const ROUND_TO_INT = 4503599627370496;
// 2^24: a binary16 subnormal is m * 2^-24.
const TWO_POW_24 = 16777216;

/** Binary16 bits of the float32 bit pattern f: round to nearest even, overflow to +-Inf, NaN stays NaN. */
function halfBits(f: number, value: number): number {
  const sign = (f >>> 16) & 0x8000;
  const abs = f & 0x7fffffff;
  if (abs >= 0x7f800000) return sign | (abs > 0x7f800000 ? 0x7e00 : 0x7c00);
  // 0x477ff000 = 65520 = 65504 + half an ulp: the tie rounds to even, which is Infinity.
  if (abs >= 0x477ff000) return sign | 0x7c00;
  if (abs >= 0x38800000) {
    // Normal: rebias the exponent (127 - 15 = 112, 112 << 23 = 0x38000000) and round the 13 dropped bits to even.
    return sign | ((abs + 0xfff + ((abs >>> 13) & 1) - 0x38000000) >>> 13);
  }
  // Subnormal or zero: m = round(|value| * 2^24), exact in double, ties to even; m = 1024 is the smallest normal.
  return sign | ((Math.abs(value) * TWO_POW_24 + ROUND_TO_INT) - ROUND_TO_INT);
}

/** Little-endian binary16 bytes of `values` (2 bytes each). */
export const toFp16Bytes = (values: Float32Array): Uint8Array => {
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = halfBits(bits[i], values[i]);
  return new Uint8Array(out.buffer);
};

/** Float32 values of little-endian binary16 bytes: exact, every binary16 value is a float32. */
export const fromFp16Bytes = (bytes: Uint8Array): Float32Array => {
  // A Uint16Array view needs an even offset; a tensor after a JSON header may start anywhere.
  const src = bytes.byteOffset & 1 ? bytes.slice() : bytes;
  const halves = new Uint16Array(src.buffer, src.byteOffset, src.byteLength >>> 1);
  const out = new Float32Array(halves.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i];
    const e = (h >>> 10) & 0x1f;
    const m = h & 0x3ff;
    if (e === 0) out[i] = (h & 0x8000 ? -m : m) / TWO_POW_24;
    else outBits[i] = ((h & 0x8000) << 16) | (e === 31 ? 0x7f800000 | (m << 13) : ((e + 112) << 23) | (m << 13));
  }
  return out;
};

/** The binary16 value nearest to each of `values`, as float32 (what the wire carries for them). */
export const roundToFp16 = (values: Float32Array): Float32Array => fromFp16Bytes(toFp16Bytes(values));
