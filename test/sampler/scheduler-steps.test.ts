// DDPM step coefficients, sigma and noiseless steps against hand-derived values.
// Toy schedule: trained_betas [0.1, 0.2, 0.5, 0.5] -> alphas_cumprod [0.9, 0.72, 0.36, 0.18];
// N = 2, leading: T // N = 2, timesteps [2, 0], prev_t [0, -2].
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  applyCombo,
  buildSchedule,
  clipX0,
  parseSchedulerConfig,
  predictionToEps,
  predictionToX0,
  stepMean,
  type PredictionType,
  type Schedule,
} from "../../src/sampler/scheduler/index.ts";
import { InvalidRequestError } from "../../src/errors.ts";

const close = (got: number, want: number, tol = 1e-14) =>
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `got ${got}, want ${want}`);

const toy = (extra: object = {}) =>
  parseSchedulerConfig({ trained_betas: [0.1, 0.2, 0.5, 0.5], ...extra });

// One noiseless step: x0_hat from the output, clipped, then the mean (what the sampler does per element).
const noiselessStep = (s: Schedule, k: number, xt: number, out: number): number => {
  const step = s.steps[k];
  const x0 = clipX0(applyCombo(predictionToX0(s.predictionType, step.alphaProdT), xt, out), s.clipRange);
  const eps = applyCombo(predictionToEps(s.predictionType, step.alphaProdT), xt, out);
  return stepMean(step, x0, xt, eps);
};

test("DDPM fixed_small coefficients and sigma on the toy schedule", () => {
  const s = buildSchedule(toy(), 2);
  assert.deepEqual(s.timesteps, [2, 0]);
  const [a, b] = s.steps;
  assert.equal(a.t, 2);
  assert.equal(a.prev_t, 0);
  close(a.alphaProdT, 0.36);
  close(a.alphaProdPrev, 0.9);
  // alpha_ts = 0.36 / 0.9 = 0.4, beta_ts = 0.6, 1 - a_t = 0.64.
  close(a.x0Coef, (Math.sqrt(0.9) * 0.6) / 0.64);
  close(a.xtCoef, (Math.sqrt(0.4) * 0.1) / 0.64);
  assert.equal(a.epsCoef, 0);
  close(a.sigma, Math.sqrt((0.1 / 0.64) * 0.6)); // sqrt(0.09375)
  // Last step: t = 0, prev_t = -2, a_s = 1: x0Coef = 0.1 / 0.1 = 1, xtCoef = 0, no noise at t = 0.
  assert.equal(b.prev_t, -2);
  close(b.alphaProdPrev, 1);
  close(b.x0Coef, 1);
  close(b.xtCoef, 0);
  assert.equal(b.sigma, 0);
});

test("fixed_large uses sigma^2 = beta_ts; fixed_small_log has fixed_small's sigma", () => {
  close(buildSchedule(toy({ variance_type: "fixed_large" }), 2).steps[0].sigma, Math.sqrt(0.6));
  close(buildSchedule(toy({ variance_type: "fixed_small_log" }), 2).steps[0].sigma, Math.sqrt(0.09375));
});

test("default DDPM, N = 10, offset 1: first step from alphas_cumprod computed here", () => {
  const s = buildSchedule(parseSchedulerConfig({ steps_offset: 1 }), 10);
  const ac = (t: number) => {
    let p = 1;
    for (let i = 0; i <= t; i++) p *= 1 - (0.0001 + (i * 0.0199) / 999);
    return p;
  };
  const [aT, aS] = [ac(901), ac(801)];
  const step = s.steps[0];
  assert.deepEqual([step.t, step.prev_t], [901, 801]);
  close(step.alphaProdT, aT, 1e-12);
  close(step.x0Coef, (Math.sqrt(aS) * (1 - aT / aS)) / (1 - aT), 1e-12);
  close(step.xtCoef, (Math.sqrt(aT / aS) * (1 - aS)) / (1 - aT), 1e-12);
  close(step.sigma, Math.sqrt(((1 - aS) / (1 - aT)) * (1 - aT / aS)), 1e-12);
  // Last step t = 1 -> prev_t = -99: fixed_small variance is 0 (diffusers clamps to 1e-20): deterministic.
  const last = s.steps[9];
  assert.deepEqual([last.t, last.prev_t, last.sigma], [1, -99, 0]);
  // fixed_large at t = 1 > 0 keeps diffusers' noise: sigma^2 = 1 - a_1.
  const large = buildSchedule(parseSchedulerConfig({ steps_offset: 1, variance_type: "fixed_large" }), 10);
  close(large.steps[9].sigma, Math.sqrt(1 - ac(1)), 1e-12);
  assert.equal(s.steps.filter((x) => x.sigma === 0).length, 1);
});

test("noiseless DDPM step, epsilon prediction, equals Ho et al. eq. 11", () => {
  const s = buildSchedule(toy({ clip_sample: false }), 2);
  const [xt, eps] = [0.5, 0.2];
  // x0_hat = (0.5 - 0.8 * 0.2) / 0.6; mu = 0.9375 sqrt(0.9) x0_hat + 0.15625 sqrt(0.4) x_t.
  const want = 0.5533985905294664;
  close(noiselessStep(s, 0, xt, eps), want);
  // eq. 11: mu = (x_t - beta_ts / sqrt(1 - a_t) eps) / sqrt(alpha_ts).
  close(noiselessStep(s, 0, xt, eps), (xt - (0.6 / 0.8) * eps) / Math.sqrt(0.4));
});

test("noiseless DDPM step, v and sample predictions giving x0_hat = 0.22", () => {
  const want = 0.9375 * Math.sqrt(0.9) * 0.22 + 0.15625 * Math.sqrt(0.4) * 0.5; // 0.24507651866304941
  close(want, 0.24507651866304941);
  // v: x0_hat = sqrt(0.36) * 0.5 - sqrt(0.64) * 0.1 = 0.22.
  close(noiselessStep(buildSchedule(toy({ prediction_type: "v_prediction" }), 2), 0, 0.5, 0.1), want);
  close(noiselessStep(buildSchedule(toy({ prediction_type: "sample" }), 2), 0, 0.5, 0.22), want);
});

test("clip_sample clamps x0_hat to the range before the mean", () => {
  const s = buildSchedule(toy({ prediction_type: "sample", clip_sample_range: 0.5 }), 2);
  assert.equal(s.clipRange, 0.5);
  close(noiselessStep(s, 0, 0.5, 1.7), 0.9375 * Math.sqrt(0.9) * 0.5 + 0.15625 * Math.sqrt(0.4) * 0.5);
  assert.equal(buildSchedule(toy({ clip_sample: false }), 2).clipRange, null);
});

test("x0 and eps combinations agree with x_t = sqrt(a) x0 + sqrt(1 - a) eps", () => {
  const a = 0.36;
  const [x0, eps] = [0.3, -1.1];
  const xt = 0.6 * x0 + 0.8 * eps;
  const v = 0.6 * eps - 0.8 * x0;
  const outputs: Partial<Record<PredictionType, number>> = { epsilon: eps, sample: x0, v_prediction: v };
  for (const [type, out] of Object.entries(outputs) as [PredictionType, number][]) {
    close(applyCombo(predictionToX0(type, a), xt, out), x0);
    close(applyCombo(predictionToEps(type, a), xt, out), eps);
  }
});

test("custom timesteps take prev_t from the next entry, as diffusers' DDPM does", () => {
  const s = buildSchedule(toy(), 3, { timesteps: [3, 1, 0] });
  assert.deepEqual(s.steps.map((x) => x.prev_t), [1, 0, -1]);
  close(s.steps[0].alphaProdPrev, 0.72);
  const stride = buildSchedule(toy(), 3, { timesteps: [3, 1, 0], prevTimestep: "stride" });
  assert.deepEqual(stride.steps.map((x) => x.prev_t), [2, 0, -1]); // T // N = 1
  for (const bad of [[3, 3, 0], [4, 1, 0], [3, 1]]) {
    assert.throws(() => buildSchedule(toy(), 3, { timesteps: bad }), InvalidRequestError);
  }
});

test("prevTimestep 'next' follows the actual grid for linspace spacing", () => {
  const c = parseSchedulerConfig({ timestep_spacing: "linspace" });
  assert.equal(buildSchedule(c, 10).steps[0].prev_t, 899); // diffusers: 999 - 1000 // 10
  assert.equal(buildSchedule(c, 10, { prevTimestep: "next" }).steps[0].prev_t, 888);
});
