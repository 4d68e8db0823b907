// Inference timesteps as diffusers' set_timesteps computes them (DDPM and DDIM share the rules).
import { InvalidRequestError } from "../../errors.ts";
import type { SchedulerConfig } from "./types.ts";

// numpy's round(): halves go to the even neighbour (2.5 -> 2, 3.5 -> 4).
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

// Checks 1 <= n <= num_train_timesteps, as diffusers' set_timesteps does.
export function checkNumSteps(n: number, T: number, field: string): void {
  if (!Number.isInteger(n) || n < 1 || n > T) {
    throw new InvalidRequestError(field, `number of inference steps must be an integer in 1..${T} (num_train_timesteps), got ${n}`);
  }
}

// Descending timesteps, length n, every entry in [0, T - 1].
//   leading:  (arange(n) * (T // n))[::-1] + steps_offset
//   trailing: round(arange(T, 0, -T / n)) - 1
//   linspace: round(linspace(0, T - 1, n))[::-1]
// Rounding is numpy's (half to even) on numpy's own float values, so ties land where diffusers' do.
// trailing keeps exactly n entries: numpy's arange can return n + 1 when T / n is inexact,
// which gives diffusers a stray timestep -1.
export function timestepsFor(config: SchedulerConfig, n: number, field = "steps", configField = "scheduler"): number[] {
  const T = config.numTrainTimesteps;
  checkNumSteps(n, T, field);
  const out = new Array<number>(n);
  switch (config.timestepSpacing) {
    case "leading": {
      const ratio = Math.floor(T / n);
      for (let k = 0; k < n; k++) out[k] = (n - 1 - k) * ratio + config.stepsOffset;
      if (out[0] > T - 1) {
        throw new InvalidRequestError(
          `${configField}.steps_offset`,
          `steps_offset ${config.stepsOffset} with ${n} leading steps reaches timestep ${out[0]} >= num_train_timesteps ${T}`,
        );
      }
      return out;
    }
    case "trailing": {
      // numpy's arange fills start + i * ((start + step) - start).
      const delta = T - T / n - T;
      for (let k = 0; k < n; k++) out[k] = roundHalfEven(T + k * delta) - 1;
      return out;
    }
    case "linspace": {
      // numpy's linspace is i * ((stop - start) / (num - 1)) with the last entry set to stop.
      const step = n > 1 ? (T - 1) / (n - 1) : 0;
      for (let k = 0; k < n; k++) out[n - 1 - k] = k === n - 1 && n > 1 ? T - 1 : roundHalfEven(k * step);
      return out;
    }
  }
}
