// Typed facade over core.wasm's f32 vector kernels (assembly/vector.ts). Pointers are byte offsets of f32
// buffers from Core.allocF32; n counts elements. out may equal an input pointer, never partially overlap it.
import type { Core, Ptr } from "./instance.ts";

interface VectorExports {
  dot(a: Ptr, b: Ptr, n: number): number;
  sqnorm(a: Ptr, n: number): number;
  sqdist(a: Ptr, b: Ptr, n: number): number;
  axpy(y: Ptr, alpha: number, x: Ptr, n: number): void;
  scale(out: Ptr, alpha: number, x: Ptr, n: number): void;
  affine2(out: Ptr, a: number, x: Ptr, b: number, y: Ptr, n: number): void;
  affine3(out: Ptr, a: number, x: Ptr, b: number, y: Ptr, c: number, z: Ptr, n: number): void;
  clampF32(out: Ptr, x: Ptr, lo: number, hi: number, n: number): void;
  copyF32(out: Ptr, x: Ptr, n: number): void;
}

const kernels = (core: Core): VectorExports => core.raw as unknown as VectorExports;

/** sum a[i] b[i], accumulated in f64. */
export const dot = (core: Core, a: Ptr, b: Ptr, n: number): number => kernels(core).dot(a, b, n);
/** sum a[i]^2, accumulated in f64. */
export const sqnorm = (core: Core, a: Ptr, n: number): number => kernels(core).sqnorm(a, n);
/** sum (a[i] - b[i])^2, in f64. */
export const sqdist = (core: Core, a: Ptr, b: Ptr, n: number): number => kernels(core).sqdist(a, b, n);
/** y += alpha x (f32). */
export const axpy = (core: Core, y: Ptr, alpha: number, x: Ptr, n: number): void => kernels(core).axpy(y, alpha, x, n);
/** out = alpha x (f32). */
export const scale = (core: Core, out: Ptr, alpha: number, x: Ptr, n: number): void => kernels(core).scale(out, alpha, x, n);
/** out = a x + b y (f32). */
export const affine2 = (core: Core, out: Ptr, a: number, x: Ptr, b: number, y: Ptr, n: number): void =>
  kernels(core).affine2(out, a, x, b, y, n);
/** out = (a x + b y) + c z (f32): the scheduler step x_prev = A x0_hat + B x_t + sigma noise. */
export const affine3 = (core: Core, out: Ptr, a: number, x: Ptr, b: number, y: Ptr, c: number, z: Ptr, n: number): void =>
  kernels(core).affine3(out, a, x, b, y, c, z, n);
/** out = min(max(x, lo), hi) (f32); NaN stays NaN. */
export const clamp = (core: Core, out: Ptr, x: Ptr, lo: number, hi: number, n: number): void => kernels(core).clampF32(out, x, lo, hi, n);
/** out = x for n f32 (any overlap). */
export const copy = (core: Core, out: Ptr, x: Ptr, n: number): void => kernels(core).copyF32(out, x, n);
