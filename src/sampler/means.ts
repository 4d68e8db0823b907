// Step means from a model output (ALGORITHMS.md section 1), applied with core.wasm vector kernels.
// The Free Drafter reuses the same path: a frozen eps is an "epsilon" output, a frozen x0 a "sample" output.
import type { Core, Ptr } from "../core/instance.ts";
import type { PredictionType, Schedule, ScheduleStep } from "./scheduler/types.ts";
import type { Freeze } from "./options.ts";
import type { Scratch } from "./state.ts";
import { epsCombo, x0Combo } from "./scheduler/index.ts";
import { affine2, affine3, clamp } from "../core/vector.ts";

/** x0_hat at (y, step) from an output of the given type, clipped as the schedule says. */
export const writeX0 = (core: Core, sched: Schedule, dst: Ptr, y: Ptr, output: Ptr, type: PredictionType, step: ScheduleStep, dim: number): void => {
  const c = x0Combo(step, type);
  affine2(core, dst, c.xt, y, c.out, output, dim);
  if (sched.clipRange !== null) clamp(core, dst, dst, -sched.clipRange, sched.clipRange, dim);
};

/** eps_hat at (y, step) from an output of the given type (unclipped, as diffusers' default). */
export const writeEps = (core: Core, dst: Ptr, y: Ptr, output: Ptr, type: PredictionType, step: ScheduleStep, dim: number): void => {
  const c = epsCombo(step, type);
  affine2(core, dst, c.xt, y, c.out, output, dim);
};

// mu = x0Coef x0_hat + xtCoef y + epsCoef eps_hat, with x0_hat already at `x0` (dst may not alias y).
const meanFromX0 = (core: Core, scratch: Scratch, dst: Ptr, y: Ptr, x0: Ptr, output: Ptr, type: PredictionType, step: ScheduleStep): void => {
  const { dim } = scratch;
  if (step.epsCoef === 0) {
    affine2(core, dst, step.x0Coef, x0, step.xtCoef, y, dim);
    return;
  }
  writeEps(core, scratch.eps, y, output, type, step, dim);
  affine3(core, dst, step.x0Coef, x0, step.xtCoef, y, step.epsCoef, scratch.eps, dim);
};

/** Writes the step mean at parent y from a model output of the given type into dst. */
export const writeMean = (core: Core, sched: Schedule, scratch: Scratch, dst: Ptr, y: Ptr, output: Ptr, type: PredictionType, step: ScheduleStep): void => {
  writeX0(core, sched, scratch.x0, y, output, type, step, scratch.dim);
  meanFromX0(core, scratch, dst, y, scratch.x0, output, type, step);
};

/** The Free Drafter's mean at parent y: the scheduler's mean with the frozen eps or x0 in place of an output. */
// A frozen x0 is already x0_hat, clipped when it was frozen: rebuilding it (0 y + 1 x0, then a clamp that
// changes nothing) would cost two passes for the same values, so it is used as it is.
export const writeDraftMean = (core: Core, sched: Schedule, scratch: Scratch, dst: Ptr, y: Ptr, frozen: Ptr, freeze: Freeze, step: ScheduleStep): void => {
  if (freeze === "eps") writeMean(core, sched, scratch, dst, y, frozen, "epsilon", step);
  else meanFromX0(core, scratch, dst, y, frozen, frozen, "sample", step);
};
