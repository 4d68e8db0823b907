// The request's scheduler object keeps only the keys the scheduler parser reads: a pasted
// scheduler_config.json still works, and anything else is dropped at validation, whatever its size.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createApp } from "../../src/app.ts";
import { SampleRequestSchema, SchedulerOverridesSchema } from "../../src/api/schemas/index.ts";
import { SCHEDULER_CONFIG_KEYS } from "../../src/sampler/scheduler/index.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import type { SampleBody } from "./client.ts";

// A DDPM scheduler_config.json as diffusers writes it (google/ddpm-cifar10-32 style), plus stray keys.
const pasted = {
  _class_name: "DDPMScheduler",
  _diffusers_version: "0.30.0",
  beta_end: 0.02,
  beta_schedule: "linear",
  beta_start: 0.0001,
  clip_sample: false,
  clip_sample_range: 1.0,
  dynamic_thresholding_ratio: 0.995,
  num_train_timesteps: 1000,
  prediction_type: "epsilon",
  rescale_betas_zero_snr: false,
  sample_max_value: 1.0,
  steps_offset: 0,
  thresholding: false,
  timestep_spacing: "leading",
  trained_betas: null,
  variance_type: "fixed_small",
  _use_default_values: ["rescale_betas_zero_snr", "timestep_spacing"],
};

test("the schema holds exactly the keys the parser reads, plus the request-only type, eta, noise_level, sigmas and mu", () => {
  assert.deepEqual(Object.keys(SchedulerOverridesSchema.shape).sort(), [...SCHEDULER_CONFIG_KEYS, "type", "eta", "noise_level", "sigmas", "mu"].sort());
});

test("keys the sampler never reads are dropped at validation, read keys kept", () => {
  const parsed = SampleRequestSchema.parse({ model: "ring-2d", scheduler: { ...pasted, huge: Array(100_000).fill([1, 2, 3]) } });
  assert.deepEqual(Object.keys(parsed.scheduler!).sort(), Object.keys(pasted).filter((k) => (SCHEDULER_CONFIG_KEYS as readonly string[]).includes(k)).sort());
  assert.equal(parsed.scheduler!.beta_end, 0.02);
  assert.equal(parsed.scheduler!.trained_betas, null);
});

test("a pasted scheduler_config.json samples as the same keys alone do", async () => {
  const app = createApp({ coreModule: coreModule() });
  const sample = async (scheduler: object) => {
    const res = await app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "ring-2d", steps: 10, seed: 3, scheduler }) });
    assert.equal(res.status, 200, await res.clone().text());
    return ((await res.json()) as SampleBody).samples.data;
  };
  const read = Object.fromEntries(Object.entries(pasted).filter(([k]) => (SCHEDULER_CONFIG_KEYS as readonly string[]).includes(k)));
  assert.deepEqual(await sample(pasted), await sample(read));
});

test("read keys are still checked: thresholding and zero-SNR are refused by name", async () => {
  const app = createApp({ coreModule: coreModule() });
  for (const key of ["thresholding", "rescale_betas_zero_snr"]) {
    const res = await app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "ring-2d", scheduler: { [key]: true } }) });
    assert.equal(res.status, 422);
    assert.equal(((await res.json()) as { error: { field: string } }).error.field, `scheduler.${key}`);
  }
});
