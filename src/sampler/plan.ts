// What a chain does in the next batched call: a plain target step, a fresh evaluation at the
// window start (frozen-target draft), or the verification of a drafted window.
import type { SamplerOptions } from "./options.ts";
import type { ScheduleStep } from "./scheduler/types.ts";

export type Plan =
  /** Evaluate at x, take one target step (sequential sampler, warm-up, deterministic steps). */
  | { kind: "step" }
  /** Evaluate at x and keep the output as the draft's frozen quantity (frozen-target draft). */
  | { kind: "start" }
  /** Verify L drafted steps: rows at parents y~_first..y~_{L-1}, plus y~_L when bonus. */
  | { kind: "window"; window: number; first: number; bonus: boolean };

export interface PlanInput {
  steps: readonly ScheduleStep[];
  k: number;
  frozenValid: boolean;
  frozenAtCurrent: boolean;
  /** Largest window this round may draft (the request's L, or the adaptive choice). */
  windowCap: number;
}

/** Consecutive stochastic steps from k (speculation never crosses a sigma = 0 step). */
export const stochasticRun = (steps: readonly ScheduleStep[], k: number, cap: number): number => {
  let n = 0;
  while (n < cap && k + n < steps.length && steps[k + n].sigma > 0) n++;
  return n;
};

export const planNext = (opts: SamplerOptions, s: PlanInput): Plan => {
  const { steps, k } = s;
  if (opts.method === "sequential" || steps[k].sigma === 0) return { kind: "step" };
  const window = stochasticRun(steps, k, s.windowCap);
  const bonus = opts.draft.bonus && k + window < steps.length;
  if (opts.draft.type === "frozen-target") {
    if (s.frozenAtCurrent) return { kind: "window", window, first: 1, bonus };
    // A one-step window without bonus is exactly a target step: no draft needed.
    return window === 1 && !bonus ? { kind: "step" } : { kind: "start" };
  }
  // The Free Drafter's first round has nothing to freeze: a target step is the (counted) warm-up.
  if (!s.frozenValid) return { kind: "step" };
  return { kind: "window", window, first: 0, bonus };
};

/** Rows a plan puts into the batched call. */
export const planRows = (p: Plan): number =>
  p.kind === "window" ? p.window - p.first + (p.bonus ? 1 : 0) : 1;
