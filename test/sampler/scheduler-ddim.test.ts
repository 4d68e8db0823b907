// DDIM with eta: sigma and mean coefficients on the toy schedule (alphas_cumprod [0.9, 0.72, 0.36, 0.18]).
import { test } from "node:test";
import assert from "node:assert/strict";
import { buildSchedule, parseSchedulerConfig, stepMean } from "../../src/sampler/scheduler/index.ts";
import { InvalidRequestError } from "../../src/errors.ts";

const close = (got: number, want: number, tol = 1e-14) =>
  assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `got ${got}, want ${want}`);

const toy = (extra: object = {}) =>
  parseSchedulerConfig({ trained_betas: [0.1, 0.2, 0.5, 0.5], clip_sample: false, ...extra }, { type: "ddim" });

test("DDIM eta = 0.5: sigma^2 = eta^2 (1 - a_s) / (1 - a_t) (1 - a_t / a_s)", () => {
  const s = buildSchedule(toy(), 2, { eta: 0.5 });
  assert.equal(s.kind, "ddim");
  assert.equal(s.eta, 0.5);
  const step = s.steps[0]; // t = 2 (a_t = 0.36), prev_t = 0 (a_s = 0.9)
  const sigma2 = 0.25 * (0.1 / 0.64) * (1 - 0.4); // 0.0234375
  close(step.sigma, Math.sqrt(sigma2));
  close(step.x0Coef, Math.sqrt(0.9));
  assert.equal(step.xtCoef, 0);
  close(step.epsCoef, Math.sqrt(1 - 0.9 - sigma2)); // sqrt(0.0765625)
});

test("DDIM eta = 1 has DDPM's variance and DDPM's mean for an epsilon prediction", () => {
  const ddim = buildSchedule(toy(), 2, { eta: 1 }).steps[0];
  const ddpm = buildSchedule(toy({ _class_name: "DDPMScheduler" }), 2).steps[0];
  close(ddim.sigma, Math.sqrt(0.09375));
  close(ddim.sigma, ddpm.sigma);
  const [xt, eps] = [0.5, 0.2];
  const x0 = (xt - 0.8 * eps) / 0.6;
  close(stepMean(ddim, x0, xt, eps), stepMean(ddpm, x0, xt, eps));
});

test("DDIM last step: set_alpha_to_one gives a_s = 1 and sigma = 0; otherwise a_s = alphas_cumprod[0]", () => {
  const one = buildSchedule(toy(), 2, { eta: 1 }).steps[1]; // t = 0, prev_t = -2
  assert.deepEqual([one.t, one.prev_t, one.alphaProdPrev, one.sigma, one.epsCoef, one.x0Coef], [0, -2, 1, 0, 0, 1]);
  const first = buildSchedule(toy({ set_alpha_to_one: false }), 2, { eta: 1 }).steps[1];
  close(first.alphaProdPrev, 0.9);
  assert.equal(first.sigma, 0); // a_t = a_s: 1 - a_t / a_s = 0
  close(first.epsCoef, Math.sqrt(0.1));
});

test("DDIM eta defaults to 1; eta = 0 is deterministic; eta outside [0, 1] is refused", () => {
  assert.equal(buildSchedule(toy(), 2).eta, 1);
  const det = buildSchedule(toy(), 2, { eta: 0 }).steps[0];
  assert.equal(det.sigma, 0);
  close(det.epsCoef, Math.sqrt(0.1));
  for (const eta of [-0.1, 1.5, NaN]) {
    assert.throws(
      () => buildSchedule(toy(), 2, { eta }),
      (e: unknown) => e instanceof InvalidRequestError && e.field === "eta",
    );
  }
  assert.equal(buildSchedule(parseSchedulerConfig({}), 2, { eta: 5 }).eta, null); // DDPM ignores eta
});

test("DDIM on the default schedule, N = 10: first step from alphas_cumprod computed here", () => {
  const s = buildSchedule(parseSchedulerConfig({ _class_name: "DDIMScheduler" }), 10, { eta: 0.7 });
  const ac = (t: number) => {
    let p = 1;
    for (let i = 0; i <= t; i++) p *= 1 - (0.0001 + (i * 0.0199) / 999);
    return p;
  };
  const [aT, aS] = [ac(900), ac(800)];
  const sigma2 = 0.49 * ((1 - aS) / (1 - aT)) * (1 - aT / aS);
  const step = s.steps[0];
  assert.deepEqual([step.t, step.prev_t], [900, 800]);
  close(step.sigma, Math.sqrt(sigma2), 1e-12);
  close(step.x0Coef, Math.sqrt(aS), 1e-12);
  close(step.epsCoef, Math.sqrt(1 - aS - sigma2), 1e-12);
  assert.equal(s.clipRange, 1); // DDIMScheduler default clip_sample = true
});

test("use_clipped_model_output folds eps = (x_t - sqrt(a_t) x0_hat) / sqrt(1 - a_t) into the x0 and x_t terms", () => {
  const plain = buildSchedule(toy(), 2, { eta: 0.5 }).steps[0];
  const folded = buildSchedule(toy(), 2, { eta: 0.5, useClippedModelOutput: true }).steps[0];
  assert.equal(folded.epsCoef, 0);
  close(folded.sigma, plain.sigma);
  // With an x0_hat inside the clip range, both give the same mean.
  const [xt, x0] = [0.5, 0.3];
  const eps = (xt - 0.6 * x0) / 0.8;
  close(stepMean(folded, x0, xt, 0), stepMean(plain, x0, xt, eps));
  // Clipped x0_hat = 1 with a raw eps of 0.2: diffusers uses eps recomputed from the clipped value.
  const epsClipped = (xt - 0.6 * 1) / 0.8;
  close(stepMean(folded, 1, xt, 0.2), Math.sqrt(0.9) * 1 + plain.epsCoef * epsClipped);
});
