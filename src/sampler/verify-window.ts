// Committing a verified window (ALGORITHMS.md sections 3 and 4): the accepted drafts, then the reflection
// (token-wise) or a weighted-residual draw (block) at the first step not accepted, or a bonus target step;
// then the draft's next anchor (anchor.ts) from the evaluation nearest the new state.
import type { Ptr } from "../core/instance.ts";
import type { SamplerContext } from "./state.ts";
import { row } from "./buffers.ts";
import { Purpose, streamOf } from "./randomness.ts";
import { fillNormal, fillUniform } from "../core/random.ts";
import { copy } from "../core/vector.ts";
import { readStepStats, reflect } from "../core/verify.ts";
import { residualDraw } from "../core/residual.ts";
import { writeMean } from "./means.ts";
import { draftMeanAt, draftNoiseAt } from "./draft.ts";
import { freezeOutput, targetStep, type AnchorTarget } from "./target.ts";
import type { PairTerms } from "./anchor.ts";
import type { WindowInput } from "./verify-step.ts";

/** Where the commit writes: the chain's state, and the draft's next anchor. */
export interface CommitTarget extends AnchorTarget {
  x: Ptr;
}

/** What the window's rows gave beyond the output at the stopping parent (chain.ts streams them). */
export interface WindowAfter {
  /** The output at parent y~_{tau+1} (the rejected draft) when tau < L and that row has arrived, else null. */
  next: Ptr | null;
  /** The gaussian fit's terms of the pair (tau, tau + 1), or (L - 1, L) after a full window with bonus; null when not evaluated. */
  pair: PairTerms | null;
}

// Token-wise reflection commits y~_{tau+1} + sigma (delta - 2 s) e: the rejected draft moved along one direction
// only. Within this many noise stds, its evaluation (at the new state's own step) is the draft's anchor; beyond,
// the parent's. Measured (bench/drafts.ts): without the bound, flow matching's stochastic sampling, whose early
// deltas are large, lost 10% to the parent (x0 freeze) or failed (gaussian); with it, nothing measured lost beyond
// noise, and learned digits gained 5-12%. Block's residual draws a fresh orthogonal
// part, so its state is not near the rejected draft: block always freezes the parent's evaluation.
const NEAR_SHIFT = 4;

const nearEnough = (ctx: SamplerContext, w: WindowInput, tau: number): boolean => {
  const { delta, s } = readStepStats(ctx.core, w.stats, tau);
  return Math.abs(delta - 2 * s) <= NEAR_SHIFT;
};

/** Commits a window that stops after tau accepted drafts, given the output at neededParent(tau); returns steps committed. */
export const commitWindow = (ctx: SamplerContext, w: WindowInput, tau: number, output: Ptr, to: CommitTarget, after: WindowAfter): number => {
  const { core, sched, dim, scratch } = ctx;
  const d = w.draft;
  const L = w.window;
  if (tau < L) {
    const i = tau + 1;
    const step = sched.steps[d.k + tau];
    const parent = row(d.ys, tau, dim);
    writeMean(core, sched, scratch, scratch.muT, parent, output, sched.predictionType, step);
    const muD = draftMeanAt(ctx, d, i);
    if (ctx.opts.method === "token") reflect(core, to.x, scratch.muT, muD, draftNoiseAt(ctx, d, i), step.sigma, w.stats, tau, dim);
    else {
      fillUniform(core, w.uniforms, streamOf(ctx.key, Purpose.residualU, i, d.round, d.chain), 0, 1);
      fillNormal(core, scratch.noise, streamOf(ctx.key, Purpose.residualZeta, i, d.round, d.chain), 0, dim);
      residualDraw(core, to.x, scratch.muT, muD, scratch.noise, step.sigma, w.stats, tau, w.blockInfo, core.f64(w.uniforms, 1)[0], dim);
    }
    const near = ctx.opts.method === "token" && after.next !== null && nearEnough(ctx, w, tau);
    freezeOutput(ctx, to, near ? { y: row(d.ys, i, dim), k: d.k + i, output: after.next! } : { y: parent, k: d.k + tau, output }, after.pair);
    return i;
  }
  const last = row(d.ys, L, dim);
  copy(core, to.x, last, dim);
  const p = w.bonus ? L : L - 1;
  freezeOutput(ctx, to, { y: row(d.ys, p, dim), k: d.k + p, output }, after.pair);
  if (!w.bonus) return L;
  // All drafts passed and the target was evaluated at y~_L: one more exact target step from it.
  targetStep(ctx, to.x, last, output, d.k + L, { chain: d.chain, round: d.round, slot: L + 1 });
  return L + 1;
};
