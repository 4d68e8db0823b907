// Committing a verified window (ALGORITHMS.md sections 3 and 4): the accepted drafts, then the reflection
// (token-wise) or a weighted-residual draw (block) at the first step not accepted, or a bonus target step.
import type { Ptr } from "../core/instance.ts";
import type { SamplerContext } from "./state.ts";
import { row } from "./buffers.ts";
import { Purpose, streamOf } from "./randomness.ts";
import { fillNormal, fillUniform } from "../core/random.ts";
import { copy } from "../core/vector.ts";
import { reflect } from "../core/verify.ts";
import { residualDraw } from "../core/residual.ts";
import { writeMean } from "./means.ts";
import { draftMeanAt, draftNoiseAt } from "./draft.ts";
import { freezeOutput, targetStep } from "./target.ts";
import type { WindowInput } from "./verify-step.ts";

/** Where the commit writes: the chain's state, frozen value and preview row. */
export interface CommitTarget {
  x: Ptr;
  frozen: Ptr;
  preview: Ptr | null;
}

/** Commits a window that stops after tau accepted drafts, given the output at neededParent(tau); returns steps committed. */
export const commitWindow = (ctx: SamplerContext, w: WindowInput, tau: number, output: Ptr, to: CommitTarget): number => {
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
    freezeOutput(ctx, to.frozen, to.preview, parent, output, d.k + tau);
    return i;
  }
  const last = row(d.ys, L, dim);
  copy(core, to.x, last, dim);
  if (!w.bonus) {
    freezeOutput(ctx, to.frozen, to.preview, row(d.ys, L - 1, dim), output, d.k + L - 1);
    return L;
  }
  // All drafts passed and the target was evaluated at y~_L: one more exact target step from it.
  freezeOutput(ctx, to.frozen, to.preview, last, output, d.k + L);
  targetStep(ctx, to.x, last, output, d.k + L, { chain: d.chain, round: d.round, slot: L + 1 });
  return L + 1;
};
