// draft.window "auto" for one chain and round: the cost model of the call (fixed, or fitted from the calls'
// timings) shared by the round's chains, and the chain's acceptance by window position (latency.ts).
import type { ChainState, SamplerContext } from "./state.ts";
import { stochasticRun } from "./plan.ts";
import { chooseAutoWindow, fitReady, fittedCost, relaxRates, samplerRowMs } from "./latency.ts";

// The request ends with its slowest chain: a round's fixed cost buys progress only for the chains that may end
// last. So a chain bears the call's fixed cost shared with the other chains at or behind its step: all of it
// when strictly last (it drafts as long as rounds are dear), 1/C of it when first or when all are level.
const atOrBehind = (ascending: Int32Array, k: number): number => {
  let lo = 0, hi = ascending.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ascending[mid] <= k) lo = mid + 1;
    else hi = mid;
  }
  return lo;
};

/** draft.auto: the L (0: a plain step) with the least expected wall-clock per step, from the chain's acceptance so far. */
export const autoWindow = (ctx: SamplerContext, chain: ChainState): number => {
  const { draft } = ctx.opts;
  const { steps } = ctx.sched;
  const maxWindow = stochasticRun(steps, chain.k, draft.window);
  // Nothing to choose: a deterministic step, the warm-up, or a frozen-target start (planNext decides).
  if (maxWindow === 0 || !chain.frozenValid || (draft.type === "frozen-target" && !chain.frozenAtCurrent)) return draft.window;
  const call = ctx.latencyFit ? fittedCost(ctx.latencyFit) : { fixedMs: draft.auto!.latency.rttMs + draft.auto!.latency.c0Ms, rowMs: draft.auto!.latency.c1Ms };
  const cost = { fixedMs: call.fixedMs / Math.max(1, atOrBehind(ctx.activeSteps, chain.k)), rowMs: call.rowMs + samplerRowMs(ctx.dim) };
  const L = chooseAutoWindow(chain.positions, maxWindow, (l) => draft.bonus && chain.k + l < steps.length, cost);
  // A measured fit separates the call's fixed and per-row costs from calls of different sizes: until it has
  // them, draft at least one step (the first calls alone set the per-row cost, with the fixed part assumed).
  if (ctx.latencyFit && !fitReady(ctx.latencyFit)) return Math.max(L, 1);
  if (L === 0) relaxRates(chain.positions);
  return L;
};
