// Typed facade over core.wasm's counter-based generator (assembly/philox.ts, random.ts): the sampler
// names streams and pointers here and never touches raw export names.
import type { Core, Ptr } from "./instance.ts";

/** One random stream: key (k0, k1), e.g. the request seed, and counter words (c1, c2, c3), e.g. (chain, round, purpose/step); each a u32. */
export interface Stream {
  readonly k0: number;
  readonly k1: number;
  readonly c1: number;
  readonly c2: number;
  readonly c3: number;
}

interface RandomExports {
  philox4x32(out: Ptr, c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): void;
  fillNormalF32(out: Ptr, start: number, n: number, k0: number, k1: number, c1: number, c2: number, c3: number): void;
  fillUniformF64(out: Ptr, start: number, n: number, k0: number, k1: number, c1: number, c2: number, c3: number): void;
}

const kernels = (core: Core): RandomExports => core.raw as unknown as RandomExports;

// Element indices are u32 and a slice must end inside the stream (start + n <= 2^32).
function checkSlice(start: number, n: number): void {
  if (!(Number.isInteger(start) && Number.isInteger(n) && start >= 0 && n >= 0 && start + n <= 2 ** 32)) {
    throw new RangeError(`stream slice out of range: start ${start}, n ${n}`);
  }
}

/** Philox4x32-10 block: writes the 4 u32 words of counter (c0..c3) under key (k0, k1) at out (u32[4]). */
export const philoxBlock = (core: Core, out: Ptr, counter: readonly [number, number, number, number], key: readonly [number, number]): void =>
  kernels(core).philox4x32(out, counter[0], counter[1], counter[2], counter[3], key[0], key[1]);

/** Writes elements start..start+n-1 of the stream's standard normals (|z| <= 6.7638) at out (f32[n]); any slice equals the same part of a longer fill. */
export function fillNormal(core: Core, out: Ptr, stream: Stream, start: number, n: number): void {
  checkSlice(start, n);
  kernels(core).fillNormalF32(out, start, n, stream.k0, stream.k1, stream.c1, stream.c2, stream.c3);
}

/** Writes elements start..start+n-1 of the stream's uniforms in (0, 1) (odd multiples of 2^-53) at out (f64[n]). */
export function fillUniform(core: Core, out: Ptr, stream: Stream, start: number, n: number): void {
  checkSlice(start, n);
  kernels(core).fillUniformF64(out, start, n, stream.k0, stream.k1, stream.c1, stream.c2, stream.c3);
}
