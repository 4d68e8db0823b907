// Where a request's vectors live, and how many bytes they take: the one formula the size limits use.
// A chain keeps only what verification needs; draft noise comes again from its counters, draft and
// target means are recomputed from (parent state, frozen value or model output) when needed.
import { ALLOC_OVERHEAD, offsetPtr, type Core, type Ptr } from "../core/instance.ts";
import { BLOCK_STRIDE, STAT_STRIDE } from "../core/verify.ts";
import type { SamplerOptions } from "./options.ts";
import type { ChainRows, Scratch } from "./state.ts";

/** What decides a chain's buffers. */
export interface ChainShape {
  dim: number;
  /** Drafted steps per round; 0 for the sequential sampler (no drafts kept). */
  window: number;
  /** Frozen-target draft: keeps the window start's output between rounds. */
  frozenTarget: boolean;
  preview: boolean;
}

export const chainShape = (opts: SamplerOptions, dim: number, preview: boolean): ChainShape => ({
  dim,
  window: opts.method === "sequential" ? 0 : opts.draft.window,
  frozenTarget: opts.method !== "sequential" && opts.draft.type === "frozen-target",
  preview,
});

/** dim-long f32 rows a chain keeps: x, frozen, then y~_0..y~_L and two kept outputs when it drafts. */
export const chainRowCount = (s: ChainShape): number =>
  2 + (s.window > 0 ? s.window + 3 : 0) + (s.frozenTarget ? 1 : 0) + (s.preview ? 1 : 0);

const f64Count = (window: number) => ({ stats: STAT_STRIDE * (window + 1), uniforms: window + 2, blockInfo: BLOCK_STRIDE * (window + 1) });

/** Bytes of one chain's buffers in core memory, allocator overhead included (what allocChain takes). */
export const chainBytes = (s: ChainShape): number => {
  const f = f64Count(Math.max(s.window, 1));
  return chainRowCount(s) * (4 * s.dim + ALLOC_OVERHEAD) + 8 * (f.stats + f.uniforms + f.blockInfo) + 3 * ALLOC_OVERHEAD;
};

/** f32 rows of the request's shared scratch (Scratch). */
export const SCRATCH_ROWS = 6;

/** Bytes of the request's shared scratch in core memory. */
export const scratchBytes = (dim: number): number => SCRATCH_ROWS * (4 * dim + ALLOC_OVERHEAD);

export const allocScratch = (core: Core, dim: number): Scratch => ({
  dim,
  muT: core.allocF32(dim),
  muD: core.allocF32(dim),
  noise: core.allocF32(dim),
  x0: core.allocF32(dim),
  eps: core.allocF32(dim),
  output: core.allocF32(dim),
});

const NONE = 0 as Ptr;

export const allocChainRows = (core: Core, s: ChainShape): ChainRows => {
  const f = f64Count(Math.max(s.window, 1));
  return {
    x: core.allocF32(s.dim),
    frozen: core.allocF32(s.dim),
    ys: s.window > 0 ? core.allocF32((s.window + 1) * s.dim) : NONE,
    kept: s.window > 0 ? core.allocF32(s.dim) : NONE,
    next: s.window > 0 ? core.allocF32(s.dim) : NONE,
    startOut: s.frozenTarget ? core.allocF32(s.dim) : NONE,
    previewX0: s.preview ? core.allocF32(s.dim) : NONE,

    stats: core.allocF64(f.stats),
    uniforms: core.allocF64(f.uniforms),
    blockInfo: core.allocF64(f.blockInfo),
  };
};

/** Byte pointer of row r of a row-major f32 block of `dim` columns. */
export const row = (base: Ptr, r: number, dim: number): Ptr => offsetPtr(base, 4 * r * dim);
