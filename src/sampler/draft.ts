// Drafting a window (ALGORITHMS.md sections 2 and 5): y~_i = mu_D,i + sigma_i xi_i, where mu_D,i
// re-applies the scheduler at (y~_{i-1}, t) with the frozen eps or x0 in place of a fresh output.
import type { Chain, ChainContext } from "./chain.ts";
import { row } from "./buffers.ts";
import { Purpose, streamOf } from "./randomness.ts";
import { fillNormal } from "../core/random.ts";
import { affine2, copy } from "../core/vector.ts";
import { writeMean } from "./means.ts";
import { draftQuantity } from "./extrapolate.ts";

export const draftWindow = (ctx: ChainContext, chain: Chain, window: number): void => {
  const { core, sched, dim } = ctx;
  const b = chain.buf;
  // A frozen eps is re-used as an epsilon prediction, a frozen x0 as a sample prediction.
  const frozenType = ctx.opts.draft.freeze === "eps" ? "epsilon" : "sample";
  copy(core, b.ys, b.x, dim);
  for (let i = 1; i <= window; i++) {
    const step = sched.steps[chain.k + i - 1];
    const muD = row(b.muD, i - 1, dim);
    const xi = row(b.xi, i - 1, dim);
    writeMean(core, sched, b, muD, row(b.ys, i - 1, dim), draftQuantity(ctx, chain, step.t), frozenType, step);
    fillNormal(core, xi, streamOf(ctx.key, Purpose.draft, i, chain.counters.rounds, chain.id), 0, dim);
    affine2(core, row(b.ys, i, dim), 1, muD, step.sigma, xi, dim);
  }
};
