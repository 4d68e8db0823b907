// Scalar references that reproduce core.wasm's SIMD summation order, for bit-exact comparisons.
import type { Core } from "../../src/core/instance.ts";

/** Copies values into a fresh f32 buffer of the core and returns its pointer. */
export const putF32 = (core: Core, v: ArrayLike<number>): number => {
  const p = core.allocF32(v.length);
  core.f32(p, v.length).set(v);
  return p;
};

/** The kernels' reduction order: lanes {0, 2} and {1, 3} of each block of 4, then the scalar tail. */
export const laneSum = (n: number, term: (i: number) => number): number => {
  const a = [0, 0, 0, 0];
  let i = 0;
  for (; i + 4 <= n; i += 4) for (let l = 0; l < 4; l++) a[l] += term(i + l);
  let s = (a[0] + a[2]) + (a[1] + a[3]);
  for (; i < n; i++) s += term(i);
  return s;
};
