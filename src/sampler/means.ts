// Step means from a model output (ALGORITHMS.md section 1), applied with core.wasm vector kernels.
// The Free Drafter reuses the same path: a frozen eps is an "epsilon" output, a frozen x0 a "sample" output.
import type { Core } from "../core/instance.ts";
import type { PredictionType, Schedule, ScheduleStep } from "./scheduler/types.ts";
import { predictionToEps, predictionToX0 } from "./scheduler/index.ts";
import { affine2, affine3, clamp } from "../core/vector.ts";

/** Two dim-long f32 scratch rows for x0_hat and eps_hat (a chain's ChainBuffers is one). */
export interface MeanScratch {
  dim: number;
  x0: number;
  eps: number;
}

/** x0_hat at (y, step) from an output of the given type, clipped as the schedule says. */
export const writeX0 = (core: Core, sched: Schedule, dst: number, y: number, output: number, type: PredictionType, step: ScheduleStep, dim: number): void => {
  const c = predictionToX0(type, step.alphaProdT);
  affine2(core, dst, c.xt, y, c.out, output, dim);
  if (sched.clipRange !== null) clamp(core, dst, dst, -sched.clipRange, sched.clipRange, dim);
};

/** eps_hat at (y, step) from an output of the given type (unclipped, as diffusers' default). */
export const writeEps = (core: Core, dst: number, y: number, output: number, type: PredictionType, step: ScheduleStep, dim: number): void => {
  const c = predictionToEps(type, step.alphaProdT);
  affine2(core, dst, c.xt, y, c.out, output, dim);
};

/** Writes the step mean mu = x0Coef x0_hat + xtCoef y + epsCoef eps_hat into dst (dst may not alias y). */
export const writeMean = (core: Core, sched: Schedule, scratch: MeanScratch, dst: number, y: number, output: number, type: PredictionType, step: ScheduleStep): void => {
  const { dim } = scratch;
  writeX0(core, sched, scratch.x0, y, output, type, step, dim);
  if (step.epsCoef === 0) {
    affine2(core, dst, step.x0Coef, scratch.x0, step.xtCoef, y, dim);
    return;
  }
  writeEps(core, scratch.eps, y, output, type, step, dim);
  affine3(core, dst, step.x0Coef, scratch.x0, step.xtCoef, y, step.epsCoef, scratch.eps, dim);
};
