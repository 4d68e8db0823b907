// Typed facade over core.wasm's standard normal functions (assembly/special.ts), float64 throughout.
import type { Core } from "./instance.ts";

interface SpecialExports {
  normSf(x: number): number;
  normCdf(x: number): number;
  normPdf(x: number): number;
  normLogSf(x: number): number;
  normLogCdf(x: number): number;
  couplingAcceptance(delta: number): number;
}

const kernels = (core: Core): SpecialExports => core.raw as unknown as SpecialExports;

/** P(Z > x), accurate in the far tail (relative error <= 1e-15 while the value is a normal float64). */
export const normSf = (core: Core, x: number): number => kernels(core).normSf(x);
/** P(Z <= x). */
export const normCdf = (core: Core, x: number): number => kernels(core).normCdf(x);
/** Standard normal density. */
export const normPdf = (core: Core, x: number): number => kernels(core).normPdf(x);
/** ln P(Z > x), finite for every finite x. */
export const normLogSf = (core: Core, x: number): number => kernels(core).normLogSf(x);
/** ln P(Z <= x). */
export const normLogCdf = (core: Core, x: number): number => kernels(core).normLogCdf(x);
/** 2 Phi_bar(delta / 2): acceptance probability of a maximal coupling of two unit Gaussians delta apart. */
export const couplingAcceptance = (core: Core, delta: number): number => kernels(core).couplingAcceptance(delta);
