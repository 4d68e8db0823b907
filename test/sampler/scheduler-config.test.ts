// Loading diffusers scheduler_config.json files as published, and refusing what is unsupported by name.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FLOW_DEFAULTS, parseSchedulerConfig, type ParseOptions } from "../../src/sampler/scheduler/index.ts";
import { InvalidRequestError, LimitError } from "../../src/errors.ts";

// google/ddpm-cifar10-32 (published keys, diffusers 0.1.0).
const CIFAR10 = {
  _class_name: "DDPMScheduler",
  _diffusers_version: "0.1.0",
  beta_end: 0.02,
  beta_schedule: "linear",
  beta_start: 0.0001,
  clip_sample: true,
  num_train_timesteps: 1000,
  trained_betas: null,
  variance_type: "fixed_large",
};

// A DDPMScheduler config as recent diffusers versions save it (every key written).
const DDPM_RECENT = {
  _class_name: "DDPMScheduler",
  _diffusers_version: "0.29.2",
  beta_end: 0.02,
  beta_schedule: "squaredcos_cap_v2",
  beta_start: 0.0001,
  clip_sample: true,
  clip_sample_range: 1.0,
  dynamic_thresholding_ratio: 0.995,
  num_train_timesteps: 2000,
  prediction_type: "v_prediction",
  rescale_betas_zero_snr: false,
  sample_max_value: 1.0,
  steps_offset: 0,
  thresholding: false,
  timestep_spacing: "trailing",
  trained_betas: null,
  variance_type: "fixed_small",
};

// Stable Diffusion v1.x (PNDMScheduler): the noise schedule is reused, the sampler is ours.
const STABLE_DIFFUSION = {
  _class_name: "PNDMScheduler",
  _diffusers_version: "0.6.0",
  beta_end: 0.012,
  beta_schedule: "scaled_linear",
  beta_start: 0.00085,
  num_train_timesteps: 1000,
  set_alpha_to_one: false,
  skip_prk_steps: true,
  steps_offset: 1,
  trained_betas: null,
  clip_sample: false,
};

const refuses = (input: unknown, field: string, opts?: ParseOptions, kind: Function = InvalidRequestError) =>
  assert.throws(() => parseSchedulerConfig(input, opts), (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.equal((e as InvalidRequestError).field, field);
    return true;
  });

test("an empty config takes diffusers' DDPMScheduler defaults", () => {
  assert.deepEqual(parseSchedulerConfig({}), {
    kind: "ddpm", numTrainTimesteps: 1000, betaStart: 0.0001, betaEnd: 0.02, betaSchedule: "linear",
    trainedBetas: null, timestepSpacing: "leading", stepsOffset: 0, predictionType: "epsilon",
    varianceType: "fixed_small", clipSample: true, clipSampleRange: 1, setAlphaToOne: true,
    useKarrasSigmas: false, flow: FLOW_DEFAULTS,
  });
});

test("google/ddpm-cifar10-32's config loads as is", () => {
  const c = parseSchedulerConfig(CIFAR10);
  assert.equal(c.kind, "ddpm");
  assert.equal(c.varianceType, "fixed_large");
  assert.equal(c.clipSample, true);
  assert.equal(c.predictionType, "epsilon");
});

test("a recent DDPMScheduler config loads; its unused keys are ignored", () => {
  const c = parseSchedulerConfig(DDPM_RECENT);
  assert.equal(c.numTrainTimesteps, 2000);
  assert.equal(c.betaSchedule, "squaredcos_cap_v2");
  assert.equal(c.predictionType, "v_prediction");
  assert.equal(c.timestepSpacing, "trailing");
});

test("Stable Diffusion's PNDM config is refused as it is (never sampled as another class), and loads as DDPM or DDIM when the request says so", () => {
  refuses(STABLE_DIFFUSION, "scheduler._class_name");
  const ddpm = parseSchedulerConfig(STABLE_DIFFUSION, { type: "ddpm" });
  assert.equal(ddpm.kind, "ddpm");
  assert.equal(ddpm.betaSchedule, "scaled_linear");
  assert.equal(ddpm.stepsOffset, 1);
  assert.equal(ddpm.clipSample, false);
  const ddim = parseSchedulerConfig(STABLE_DIFFUSION, { type: "ddim" });
  assert.equal(ddim.kind, "ddim");
  assert.equal(ddim.setAlphaToOne, false);
  assert.equal(parseSchedulerConfig({ _class_name: "DDIMScheduler" }).kind, "ddim");
  assert.equal(parseSchedulerConfig({ _class_name: "DDIMScheduler" }, { type: "DDPMScheduler" }).kind, "ddpm");
});

test("unknown keys are ignored", () => {
  const c = parseSchedulerConfig({ timestep_values: null, tensor_format: "pt", foo: { bar: 1 }, beta_end: 0.03 });
  assert.equal(c.betaEnd, 0.03);
});

test("fixed_small_log is accepted (diffusers gives it fixed_small's std)", () => {
  assert.equal(parseSchedulerConfig({ variance_type: "fixed_small_log" }).varianceType, "fixed_small_log");
});

test("trained_betas set num_train_timesteps when it is absent", () => {
  const c = parseSchedulerConfig({ trained_betas: [0.1, 0.2, 0.5] });
  assert.equal(c.numTrainTimesteps, 3);
  assert.deepEqual(c.trainedBetas, [0.1, 0.2, 0.5]);
});

test("unsupported values are refused with the field named", () => {
  refuses({ beta_schedule: "sigmoid" }, "scheduler.beta_schedule");
  refuses({ variance_type: "learned_range" }, "scheduler.variance_type");
  refuses({ variance_type: "fixed_large_log" }, "scheduler.variance_type");
  refuses({ prediction_type: "flow" }, "scheduler.prediction_type");
  refuses({ timestep_spacing: "karras" }, "scheduler.timestep_spacing");
  refuses({ thresholding: true }, "scheduler.thresholding");
  refuses({ rescale_betas_zero_snr: true }, "scheduler.rescale_betas_zero_snr");
  refuses({ clip_sample: "yes" }, "scheduler.clip_sample");
  refuses({ clip_sample_range: 0 }, "scheduler.clip_sample_range");
  refuses({ num_train_timesteps: 0 }, "scheduler.num_train_timesteps");
  refuses({ num_train_timesteps: 10.5 }, "scheduler.num_train_timesteps");
  refuses({ num_train_timesteps: 1e9 }, "scheduler.num_train_timesteps", {}, LimitError);
  refuses({ steps_offset: -1 }, "scheduler.steps_offset");
  refuses({ beta_start: 0 }, "scheduler.beta_start");
  refuses({ beta_end: 1.5, beta_schedule: "scaled_linear" }, "scheduler.beta_end");
  refuses({ trained_betas: [0.1, 0.2, 1] }, "scheduler.trained_betas[2]");
  refuses({ trained_betas: [0.1, 0.2], num_train_timesteps: 3 }, "scheduler.trained_betas");
  refuses({ _class_name: "DPMSolverMultistepScheduler" }, "scheduler._class_name");
  refuses({ _class_name: "PNDMScheduler" }, "scheduler._class_name");
  refuses({}, "scheduler.type", { type: "pndm" });
  refuses({ _class_name: "EulerAncestralDiscreteScheduler", prediction_type: "sample" }, "scheduler.prediction_type");
  refuses({ _class_name: "FlowMatchEulerDiscreteScheduler", invert_sigmas: true }, "scheduler.invert_sigmas");
  refuses([1, 2], "scheduler");
  refuses({ beta_schedule: "cosine" }, "model.scheduler.beta_schedule", { field: "model.scheduler" });
});

test("beta_start and beta_end are not range-checked where the schedule ignores them", () => {
  const c = parseSchedulerConfig({ beta_schedule: "squaredcos_cap_v2", beta_start: 0 });
  assert.equal(c.betaSchedule, "squaredcos_cap_v2");
});

test("domain errors carry a machine code and the field", () => {
  try {
    parseSchedulerConfig({ beta_schedule: "sigmoid" });
    assert.fail("expected a refusal");
  } catch (e) {
    assert.ok(e instanceof InvalidRequestError);
    assert.equal(e.code, "invalid_request");
    assert.equal(e.name, "InvalidRequestError");
    assert.match(e.message, /sigmoid/);
  }
});
