// Counter-based pseudo-random values for built-in means: integer ops only, so bit-identical on every engine.

/** 32-bit hash of (seed, i), uniform over [0, 2^32). */
export function hash32(seed: number, i: number): number {
  let h = (seed ^ Math.imul(i + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Uniform in [0, 1) from hash32. */
export const uniform = (seed: number, i: number): number => hash32(seed, i) / 4294967296;

// Sum of the 4 bytes of one hash: mean 4 * 127.5, variance 4 * (256^2 - 1) / 12 = 21845.
const BYTE_SUM_MEAN = 510;
const BYTE_SUM_STD = Math.sqrt(21845);

/** Irwin-Hall over the 4 bytes of one hash, centred, unit variance, in [-3.45, 3.45]: one hash per value. */
export function bellFromBytes(seed: number, i: number): number {
  const h = hash32(seed, i);
  const s = (h & 0xff) + ((h >>> 8) & 0xff) + ((h >>> 16) & 0xff) + (h >>> 24);
  return (s - BYTE_SUM_MEAN) / BYTE_SUM_STD;
}
