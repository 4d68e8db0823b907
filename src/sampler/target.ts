// What a target evaluation gives a chain: the Free Drafter's next frozen value, and exact target steps.
import type { Ptr } from "../core/instance.ts";
import type { SamplerContext } from "./state.ts";
import { Purpose, streamOf } from "./randomness.ts";
import { fillNormal } from "../core/random.ts";
import { affine2, copy } from "../core/vector.ts";
import { writeMean, writeX0 } from "./means.ts";
import { setAnchor, type AnchorScalars, type Evaluation, type PairTerms } from "./anchor.ts";

/** Where a commit writes the draft's next anchor (frozen row and scalars) and the preview row. */
export interface AnchorTarget {
  frozen: Ptr;
  anchor: AnchorScalars;
  preview: Ptr | null;
}

/** Sets the draft's anchor from evaluation e (after adding `pair` to the gaussian fit), and x0_hat into `preview` when given. */
export const freezeOutput = (ctx: SamplerContext, to: AnchorTarget, e: Evaluation, pair: PairTerms | null = null): void => {
  const { core, sched, dim } = ctx;
  if (to.preview !== null) writeX0(core, sched, to.preview, e.y, e.output, sched.predictionType, sched.steps[e.k], dim);
  setAnchor(ctx, to.frozen, to.anchor, e, pair);
};

/** Where a target step's noise comes from: (chain, round, slot) of Purpose.step. */
export interface StepNoise {
  chain: number;
  round: number;
  slot: number;
}

/** out <- a draw of the target step k from state y with the model output at y (fresh noise; out may alias y). */
export const targetStep = (ctx: SamplerContext, out: Ptr, y: Ptr, output: Ptr, k: number, noise: StepNoise): void => {
  const { core, sched, dim, scratch } = ctx;
  const step = sched.steps[k];
  writeMean(core, sched, scratch, scratch.muT, y, output, sched.predictionType, step);
  if (step.sigma === 0) return copy(core, out, scratch.muT, dim);
  fillNormal(core, scratch.noise, streamOf(ctx.key, Purpose.step, noise.slot, noise.round, noise.chain), 0, dim);
  affine2(core, out, 1, scratch.muT, step.sigma, scratch.noise, dim);
};
