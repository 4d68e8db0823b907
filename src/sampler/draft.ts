// Drafting a window (ALGORITHMS.md sections 2 and 5): y~_i = mu_D,i + sigma_i xi_i, where mu_D,i
// re-applies the scheduler at (y~_{i-1}, t) with the frozen eps or x0, or the gaussian anchor's x0_D(y~_{i-1})
// (anchor.ts), in place of a fresh output.
import type { Ptr } from "../core/instance.ts";
import type { SamplerContext } from "./state.ts";
import { row } from "./buffers.ts";
import { Purpose, streamOf } from "./randomness.ts";
import { fillNormal } from "../core/random.ts";
import { affine2, copy } from "../core/vector.ts";
import { writeDraftMean } from "./means.ts";
import { draftOutputAt, type AnchorScalars } from "./anchor.ts";

/** Where a window of a chain starts and what it drafts from. */
export interface DraftInput {
  chain: number;
  round: number;
  /** Schedule index of the window's first step. */
  k: number;
  /** Committed state y~_0, the frozen value, and the L + 1 rows y~_0..y~_L to fill. */
  x: Ptr;
  frozen: Ptr;
  ys: Ptr;
  anchor: AnchorScalars;
}

/** Draft mean of step i (1-based) of a window at parent y~_{i-1}, into scratch.muD; returns the pointer. */
export const draftMeanAt = (ctx: SamplerContext, d: DraftInput, i: number): Ptr => {
  const { core, sched, dim, scratch } = ctx;
  const y = row(d.ys, i - 1, dim);
  const st = sched.steps[d.k + i - 1];
  // x0_D(y) goes into muD, then the mean over it (kernels allow an output to alias an input exactly).
  const out = draftOutputAt(ctx, scratch.muD, d.frozen, d.anchor, y, st);
  writeDraftMean(core, sched, scratch, scratch.muD, y, out.ptr, out.as, st);
  return scratch.muD;
};

/** Draft noise xi_i of step i, regenerated from its counters into scratch.noise; returns the pointer. */
export const draftNoiseAt = (ctx: SamplerContext, d: DraftInput, i: number): Ptr => {
  fillNormal(ctx.core, ctx.scratch.noise, streamOf(ctx.key, Purpose.draft, i, d.round, d.chain), 0, ctx.dim);
  return ctx.scratch.noise;
};

/** Writes y~_0 = x and y~_1..y~_L into d.ys. */
export const draftWindow = (ctx: SamplerContext, d: DraftInput, window: number): void => {
  const { core, sched, dim } = ctx;
  copy(core, d.ys, d.x, dim);
  for (let i = 1; i <= window; i++) {
    const muD = draftMeanAt(ctx, d, i);
    const xi = draftNoiseAt(ctx, d, i);
    affine2(core, row(d.ys, i, dim), 1, muD, sched.steps[d.k + i - 1].sigma, xi, dim);
  }
};
