// A schedule whose coefficients f32 cannot carry (alphas_cumprod so small that 1/sqrt of it overflows,
// or exactly 1) is refused up front with 422 naming the field, instead of a NaN mid-run blamed on the
// denoiser (502 denoiser_bad_response); every ordinary schedule is still accepted.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createApp } from "../../src/app.ts";
import { InvalidRequestError } from "../../src/errors.ts";
import { MAX_F32_COEF, buildSchedule, parseSchedulerConfig, unrepresentable } from "../../src/sampler/scheduler/index.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import type { ErrorBody } from "./client.ts";

const app = createApp({ coreModule: coreModule() });
const post = (body: unknown) =>
  app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

const refused = (config: Record<string, unknown>, steps: number, field: string) =>
  assert.throws(() => buildSchedule(parseSchedulerConfig(config), steps), (e: unknown) => {
    assert.ok(e instanceof InvalidRequestError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, /outside the f32 range/);
    return true;
  });

test("built-in models with num_train_timesteps 30,000: 422 naming the field, not 502", async () => {
  for (const model of ["ring-2d", "glyphs"]) {
    for (const scheduler of [{ num_train_timesteps: 30_000 }, { num_train_timesteps: 30_000, type: "ddim" }, { num_train_timesteps: 100_000, beta_schedule: "scaled_linear" }]) {
      const res = await post({ model, steps: 10, seed: 1, scheduler });
      const body = (await res.json()) as ErrorBody;
      assert.equal(res.status, 422, `${model} ${JSON.stringify(scheduler)}: ${JSON.stringify(body)}`);
      assert.equal(body.error.field, "scheduler.num_train_timesteps");
      assert.match(body.error.message, /num_train_timesteps/);
    }
  }
});

test("the field at fault: num_train_timesteps, trained_betas, or a beta_start that leaves alphas_cumprod at 1", () => {
  refused({ num_train_timesteps: 20_000 }, 20_000, "scheduler.num_train_timesteps");
  refused({ trained_betas: Array(200).fill(0.6) }, 200, "scheduler.trained_betas");
  refused({ beta_start: 1e-80 }, 1000, "scheduler.beta_start");
});

test("every ordinary schedule is accepted: diffusers' beta schedules, both samplers, all spacings", () => {
  for (const T of [1000, 2000, 4000]) {
    for (const beta_schedule of ["linear", "scaled_linear", "squaredcos_cap_v2"]) {
      for (const _class_name of ["DDPMScheduler", "DDIMScheduler"]) {
        for (const timestep_spacing of ["leading", "trailing", "linspace"]) {
          const config = parseSchedulerConfig({ _class_name, num_train_timesteps: T, beta_schedule, timestep_spacing, beta_start: 0.00085, beta_end: 0.012 });
          for (const n of [1, 10, 50, T]) assert.doesNotThrow(() => buildSchedule(config, n), `${T} ${beta_schedule} ${_class_name} ${timestep_spacing} ${n}`);
        }
      }
    }
  }
  assert.doesNotThrow(() => buildSchedule(parseSchedulerConfig({}), 1000));
  assert.doesNotThrow(() => buildSchedule(parseSchedulerConfig({ num_train_timesteps: 100_000, beta_schedule: "squaredcos_cap_v2" }), 100_000));
});

test("what is accepted runs without a non-finite value: a sweep across the boundary", async () => {
  // Linear betas cross the f32 bound between T = 17,000 (all steps) and T = 30,000 (10 steps).
  for (const T of [16_000, 18_000, 20_000, 22_000, 26_000, 30_000]) {
    for (const timestep_spacing of ["leading", "trailing"]) {
      const res = await post({ model: "ring-2d", num_samples: 8, steps: 20, seed: T, method: "block", scheduler: { num_train_timesteps: T, timestep_spacing } });
      assert.ok(res.status === 200 || res.status === 422, `T ${T} ${timestep_spacing}: ${res.status} ${await res.clone().text()}`);
      if (res.status === 200) {
        const body = (await res.json()) as { samples: { data: number[] } };
        assert.ok(body.samples.data.every(Number.isFinite));
      }
    }
  }
});

test("the bound: 1/sqrt(alphas_cumprod) up to F32_MAX / 256", () => {
  const step = (a: number) => ({ t: 5, prev_t: 4, alphaProdT: a, alphaProdPrev: a * 1.01, sigma: 0.1, x0Coef: 0.5, xtCoef: 0.5, epsCoef: 0, family: "vp" as const, a: Math.sqrt(a), s: Math.sqrt(1 - a), inputScale: 1 });
  const aMin = 1 / (MAX_F32_COEF * MAX_F32_COEF);
  assert.equal(unrepresentable(step(aMin * 1.0001)), undefined);
  assert.equal(unrepresentable(step(aMin * 0.9999))?.name, "x0_hat(epsilon).xt");
});
