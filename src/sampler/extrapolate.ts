// Extrapolating draft (an experiment beyond the papers): instead of holding the last frozen eps or x0
// fixed across the window, continue the straight line through the last two frozen values, in timestep:
//   q(t) = q_now + lambda (q_now - q_before),  lambda = (t_now - t) / (t_before - t_now).
// Both values come from target evaluations on the committed path, so the draft stays a function of the
// past only and exactness is untouched; only acceptance changes.
import type { Chain, ChainContext } from "./chain.ts";
import { affine2, copy } from "../core/vector.ts";

/** Before the frozen value is replaced: keep it, with its timestep, as the line's older point. */
export const rememberFrozen = (ctx: ChainContext, chain: Chain): void => {
  if (!ctx.opts.draft.extrapolate || !chain.frozenValid) return;
  copy(ctx.core, chain.buf.frozenBefore, chain.buf.frozen, ctx.dim);
  chain.frozenBeforeT = chain.frozenT;
};

/** Pointer to the quantity the draft uses at timestep t: the frozen value, or its extrapolation. */
export const draftQuantity = (ctx: ChainContext, chain: Chain, t: number): number => {
  const b = chain.buf;
  const span = chain.frozenBeforeT - chain.frozenT;
  if (!ctx.opts.draft.extrapolate || chain.frozenBeforeT < 0 || span <= 0) return b.frozen;
  const lambda = (chain.frozenT - t) / span;
  affine2(ctx.core, b.extrapolated, 1 + lambda, b.frozen, -lambda, b.frozenBefore, ctx.dim);
  return b.extrapolated;
};
