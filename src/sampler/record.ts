// What a verified window adds to the request's counters: per step (delta, coupling acceptance, accepted),
// running totals, and the chain's own accepted count.
import type { Core, Ptr } from "../core/instance.ts";
import { STAT_STRIDE } from "../core/verify.ts";
import { couplingAcceptance } from "../core/special.ts";
import type { ChainCounters, StepCounters, VerifyTotals } from "./stats.ts";

/** Steps whose outcome verification looked at: token-wise up to the first rejection, block the whole window. */
export const stepsSeen = (method: string, window: number, tau: number): number =>
  method === "token" ? Math.min(tau + 1, window) : window;

/** Adds a window of `seen` verified steps from schedule step k, tau of them accepted. */
export const recordWindow = (core: Core, stats: Ptr, k: number, seen: number, tau: number, perStep: StepCounters[], totals: VerifyTotals, chain: ChainCounters): void => {
  const records = core.f64(stats, STAT_STRIDE * seen);
  for (let i = 0; i < seen; i++) {
    const c = perStep[k + i];
    const delta = records[STAT_STRIDE * i];
    c.verified++;
    c.deltaSum += delta;
    c.couplingSum += couplingAcceptance(core, delta);
    if (i < tau) c.accepted++;
  }
  totals.verified += seen;
  totals.accepted += Math.min(tau, seen);
  chain.accepted += tau;
};
