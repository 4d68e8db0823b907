// Verification as a window's rows stream in (ALGORITHMS.md sections 2-4): the output at parent y~_p gives
// step p + 1's statistics at once, and tells whether the window may stop at p, in which case that output
// must be kept. Only the scalars of each step stay; every vector is recomputed when needed.
import type { Ptr } from "../core/instance.ts";
import type { SamplerContext, WindowProgress } from "./state.ts";
import { draftMeanAt, draftNoiseAt, type DraftInput } from "./draft.ts";
import { row } from "./buffers.ts";
import { writeMean } from "./means.ts";
import { blockLogWeightNext, blockStop, blockTau, readStepStats, stepStats, tokenAccepts } from "../core/verify.ts";

/** A window being verified: its draft, its length and bonus row, and the chain's scalar buffers. */
export interface WindowInput {
  draft: DraftInput;
  window: number;
  bonus: boolean;
  stats: Ptr;
  uniforms: Ptr;
  blockInfo: Ptr;
}

export const newProgress = (): WindowProgress => ({ logW: 0, tau: 0, keptParent: -1, nextParent: -1, stopped: false });

/** The parent whose output the window's commit needs once tau is known. */
export const neededParent = (tau: number, window: number, bonus: boolean): number =>
  tau < window ? tau : bonus ? window : window - 1;

/** Takes the output at parent y~_p; updates `progress`; returns whether that output must be kept for the commit. */
export const observeParent = (ctx: SamplerContext, w: WindowInput, progress: WindowProgress, p: number, output: Ptr): boolean => {
  const { window: L, bonus } = w;
  if (p === L) return progress.tau === L; // the bonus row: needed only when every draft passed
  if (progress.stopped) return false;
  const { core, sched, dim, scratch } = ctx;
  const d = w.draft;
  const i = p + 1;
  const step = sched.steps[d.k + p];
  writeMean(core, sched, scratch, scratch.muT, row(d.ys, p, dim), output, sched.predictionType, step);
  const muD = draftMeanAt(ctx, d, i);
  const xi = draftNoiseAt(ctx, d, i);
  stepStats(core, w.stats, p, scratch.muT, muD, xi, step.sigma, dim);
  return ctx.opts.method === "token" ? tokenStep(ctx, w, progress, p) : blockStep(ctx, w, progress, p);
};

// Token-wise: the window stops at the first rejected step.
const tokenStep = (ctx: SamplerContext, w: WindowInput, progress: WindowProgress, p: number): boolean => {
  if (!tokenAccepts(ctx.core, w.stats, p, w.uniforms)) {
    progress.tau = p;
    progress.stopped = true;
    return true;
  }
  if (p + 1 < w.window) return false;
  progress.tau = w.window;
  return true; // the parent without bonus; with it, the first of the pair (L - 1, L)
};

// Block: tau = max{i : eta_i <= h_i}; h_p needs w_p and delta_{p+1}, both known now. The last step settles
// tau with the same kernel that fills the residual's weights, so the streamed choice and blockTau agree.
const blockStep = (ctx: SamplerContext, w: WindowInput, progress: WindowProgress, p: number): boolean => {
  const { core } = ctx;
  const rec = readStepStats(core, w.stats, p);
  if (p + 1 === w.window) {
    progress.tau = blockTau(core, w.stats, w.uniforms, w.blockInfo, w.window);
    return progress.tau === p || progress.tau === w.window;
  }
  let keep = false;
  if (p === 0) keep = true; // tau = 0 until a later step says otherwise
  else if (core.f64(w.uniforms, w.window)[p - 1] <= blockStop(core, rec.delta, progress.logW)) {
    progress.tau = p;
    keep = true;
  }
  progress.logW = blockLogWeightNext(core, progress.logW, rec.logR);
  return keep;
};
