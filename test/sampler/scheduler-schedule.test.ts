// Betas, alphas_cumprod and timesteps against values derived by hand from diffusers' formulas.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  alphasCumprod,
  betasFor,
  buildSchedule,
  parseSchedulerConfig,
  roundHalfEven,
  timestepsFor,
} from "../../src/sampler/scheduler/index.ts";
import { InvalidRequestError } from "../../src/errors.ts";

const close = (got: number, want: number, rel = 1e-12) =>
  assert.ok(Math.abs(got - want) <= rel * Math.abs(want) + 1e-300, `got ${got}, want ${want}`);

test("linear betas: linspace(1e-4, 0.02, 1000)", () => {
  const b = betasFor(parseSchedulerConfig({}));
  assert.equal(b.length, 1000);
  close(b[0], 0.0001);
  close(b[500], 0.0001 + (500 * (0.02 - 0.0001)) / 999); // 0.010059959959959959
  close(b[500], 0.010059959959959959);
  close(b[999], 0.02);
});

test("scaled_linear betas: squares of linspace(sqrt(start), sqrt(end))", () => {
  const b = betasFor(parseSchedulerConfig({ beta_schedule: "scaled_linear", beta_start: 0.00085, beta_end: 0.012 }));
  close(b[0], 0.00085);
  const r = Math.sqrt(0.00085) + (500 * (Math.sqrt(0.012) - Math.sqrt(0.00085))) / 999;
  close(b[500], r * r);
  close(b[500], 0.00481495414171188, 1e-11); // numpy
  close(b[999], 0.012);
});

test("squaredcos_cap_v2 betas: 1 - abar((i+1)/T) / abar(i/T), capped at 0.999", () => {
  const b = betasFor(parseSchedulerConfig({ beta_schedule: "squaredcos_cap_v2" }));
  // abar(t) = cos^2((t + 0.008) / 1.008 * pi / 2); values from Python's math module.
  close(b[0], 4.128422482196914e-5, 1e-9);
  close(b[1], 4.614175273665033e-5, 1e-9);
  close(b[500], 0.003155691441585007, 1e-9);
  close(b[998], 0.7499993929011166, 1e-9);
  assert.equal(b[999], 0.999);
});

test("trained_betas are used as given", () => {
  assert.deepEqual([...betasFor(parseSchedulerConfig({ trained_betas: [0.1, 0.2, 0.5, 0.5] }))], [0.1, 0.2, 0.5, 0.5]);
});

test("alphas_cumprod is the running product of 1 - beta", () => {
  const ac = alphasCumprod(Float64Array.from([0.1, 0.2, 0.5, 0.5]));
  [0.9, 0.72, 0.36, 0.18].forEach((want, i) => close(ac[i], want, 1e-15));
  const lin = buildSchedule(parseSchedulerConfig({}), 10).alphasCumprod;
  close(lin[0], 0.9999);
  close(lin[1], 0.9999 * (1 - (0.0001 + 0.0199 / 999)));
  close(lin[999], 4.03582977e-5, 1e-8); // numpy cumprod
});

test("leading spacing, T = 1000, N = 10, steps_offset = 1", () => {
  const c = parseSchedulerConfig({ timestep_spacing: "leading", steps_offset: 1 });
  assert.deepEqual(timestepsFor(c, 10), [901, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  assert.deepEqual(timestepsFor(parseSchedulerConfig({}), 3), [666, 333, 0]); // T // N = 333
});

test("trailing spacing, T = 1000, N = 10 (steps_offset ignored)", () => {
  const c = parseSchedulerConfig({ timestep_spacing: "trailing", steps_offset: 1 });
  assert.deepEqual(timestepsFor(c, 10), [999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
  assert.deepEqual(timestepsFor(c, 3), [999, 666, 332]); // round(1000 - k * 333.33) - 1
});

test("trailing spacing rounds ties to even, on numpy's arange values", () => {
  const c = parseSchedulerConfig({ timestep_spacing: "trailing" });
  // T / N = 62.5 exactly: 937.5 -> 938, 812.5 -> 812, 687.5 -> 688, 562.5 -> 562; then - 1.
  assert.deepEqual(timestepsFor(c, 16).slice(0, 8), [999, 937, 874, 811, 749, 687, 624, 561]);
  // T / N = 20.833..: numpy's arange gives 937.4999999999999 at k = 3, so 937 - 1 (numpy checked).
  assert.equal(timestepsFor(c, 48)[3], 936);
  // N = 61: exactly 61 entries, ending at round(1000 / 61) - 1 = 15.
  const t61 = timestepsFor(c, 61);
  assert.equal(t61.length, 61);
  assert.equal(t61[60], 15);
});

test("linspace spacing, T = 1000, N = 10 and ties", () => {
  const c = parseSchedulerConfig({ timestep_spacing: "linspace", steps_offset: 1 });
  assert.deepEqual(timestepsFor(c, 10), [999, 888, 777, 666, 555, 444, 333, 222, 111, 0]);
  assert.deepEqual(timestepsFor(c, 3), [999, 500, 0]); // 499.5 -> 500 (even)
  const small = parseSchedulerConfig({ timestep_spacing: "linspace", num_train_timesteps: 6 });
  assert.deepEqual(timestepsFor(small, 3), [5, 2, 0]); // 2.5 -> 2 (even), not 3
  assert.deepEqual(timestepsFor(c, 1), [0]);
});

test("roundHalfEven is numpy's rounding", () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, -1.5, 2.4999, 2.5001].map(roundHalfEven), [0, 2, 2, -0, -2, 2, 3]);
});

test("the number of steps must be in 1..num_train_timesteps", () => {
  const c = parseSchedulerConfig({});
  for (const n of [0, 1001, 2.5, NaN]) {
    assert.throws(() => timestepsFor(c, n), (e: unknown) => e instanceof InvalidRequestError && e.field === "steps");
  }
  assert.equal(timestepsFor(c, 1000).length, 1000);
  assert.deepEqual(timestepsFor(c, 1), [0]);
});

test("a steps_offset that pushes leading timesteps past T - 1 is refused by name", () => {
  const c = parseSchedulerConfig({ steps_offset: 1 });
  assert.throws(
    () => timestepsFor(c, 1000),
    (e: unknown) => e instanceof InvalidRequestError && e.field === "scheduler.steps_offset",
  );
});
