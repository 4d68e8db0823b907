// The Euler ancestral / Euler / flow-matching schedulers through the app (Node, app.request): unknown classes,
// deterministic samplers refused for speculation, flow matching's freeze rule and request keys (noise_level,
// sigmas, mu), and the learned-model rule (a remote model keeps its own prediction type). Deterministic.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { oipConfigOf, oipRemoteProvider } from "../../src/denoisers/oip/index.ts";
import { SCHEDULER_CLASSES } from "../../src/sampler/scheduler/index.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import type { ErrorBody, SampleBody } from "./client.ts";

const app = createApp({ coreModule: coreModule(), providers: { oip: oipRemoteProvider() }, settingsChecks: { oip: oipConfigOf } });

const post = (body: Record<string, unknown>, env?: Record<string, unknown>) =>
  app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "ring-2d", num_samples: 4, steps: 10, seed: 1, ...body }) }, env);

const refused = async (res: Response, field: string, message?: RegExp): Promise<string> => {
  const text = await res.text();
  assert.equal(res.status, 422, text);
  const { error } = JSON.parse(text) as ErrorBody;
  assert.equal(error.code, "invalid_request");
  assert.equal(error.field, field, text);
  if (message) assert.match(error.message, message);
  return error.message;
};

const ok = async (res: Response, steps = 10): Promise<SampleBody> => {
  const text = await res.text();
  assert.equal(res.status, 200, text);
  const body = JSON.parse(text) as SampleBody;
  assert.deepEqual(body.samples.shape, [4, 2]);
  assert.ok(body.samples.data.every(Number.isFinite));
  assert.equal(body.stats.steps, steps);
  return body;
};

const FLOW = "FlowMatchEulerDiscreteScheduler";

describe("scheduler classes", () => {
  test("an unknown _class_name answers 422 naming scheduler._class_name and listing the supported classes", async () => {
    for (const name of ["PNDMScheduler", "DPMSolverMultistepScheduler"]) {
      const message = await refused(await post({ scheduler: { _class_name: name } }), "scheduler._class_name", new RegExp(name));
      for (const cls of Object.keys(SCHEDULER_CLASSES)) assert.ok(message.includes(cls), `${message} lacks ${cls}`);
    }
  });

  test("every supported stochastic class samples, speculatively and sequentially", async () => {
    const stochastic = [
      { _class_name: "EulerAncestralDiscreteScheduler" },
      { _class_name: "EulerAncestralDiscreteScheduler", use_karras_sigmas: true },
      { _class_name: FLOW, stochastic_sampling: true, shift: 3 },
      { _class_name: FLOW, noise_level: 0.7 },
    ];
    for (const scheduler of stochastic) for (const method of ["sequential", "token", "block"]) await ok(await post({ scheduler, method }));
  });
});

describe("deterministic samplers cannot be speculated", () => {
  const cases: { name: string; scheduler: Record<string, unknown>; field: string; counterpart: RegExp }[] = [
    { name: "EulerDiscreteScheduler", scheduler: { _class_name: "EulerDiscreteScheduler" }, field: "scheduler._class_name", counterpart: /EulerAncestralDiscreteScheduler/ },
    { name: "plain flow matching", scheduler: { _class_name: FLOW }, field: "scheduler._class_name", counterpart: /stochastic_sampling.*noise_level|noise_level.*stochastic_sampling/ },
    { name: "DDIM eta 0", scheduler: { _class_name: "DDIMScheduler", eta: 0 }, field: "scheduler.eta", counterpart: /eta > 0/ },
  ];
  for (const { name, scheduler, field, counterpart } of cases)
    test(`${name}: 422 for token and block (naming the stochastic counterpart), 200 for sequential`, async () => {
      for (const method of ["token", "block"]) {
        const message = await refused(await post({ scheduler, method }), field, counterpart);
        assert.match(message, /deterministic/);
        assert.match(message, /sequential/);
      }
      const body = await ok(await post({ scheduler, method: "sequential" }));
      assert.equal(body.stats.method, "sequential");
    });
});

describe("flow matching request keys", () => {
  test("draft.freeze eps is refused for token and block, naming draft.freeze; freeze x0 samples", async () => {
    const scheduler = { _class_name: FLOW, stochastic_sampling: true };
    for (const method of ["token", "block"]) await refused(await post({ scheduler, method, draft: { freeze: "eps" } }), "draft.freeze", /x0/);
    await ok(await post({ scheduler, method: "block", draft: { freeze: "x0" } }));
    // Sequential sampling drafts nothing: its freeze is not consulted.
    await ok(await post({ scheduler, method: "sequential", draft: { freeze: "eps" } }));
  });

  test("scheduler.noise_level selects the SDE: speculation allowed, and it changes the samples", async () => {
    const a = await ok(await post({ scheduler: { _class_name: FLOW, noise_level: 0.7 }, method: "block" }));
    const b = await ok(await post({ scheduler: { _class_name: FLOW, noise_level: 0.3 }, method: "block" }));
    assert.notDeepEqual(a.samples.data, b.samples.data);
    for (const noise_level of [0, 2.5]) assert.equal((await post({ scheduler: { _class_name: FLOW, noise_level }, method: "block" })).status, 422);
  });

  test("scheduler.sigmas: one per step samples (per-step sigmas reported); a wrong count answers 422 naming scheduler.sigmas", async () => {
    const sigmas = Array.from({ length: 10 }, (_, k) => 1 - k * 0.09);
    const body = await ok(await post({ scheduler: { _class_name: FLOW, stochastic_sampling: true, sigmas }, method: "block" }));
    // stochastic_sampling's std at step k is the next sigma.
    body.stats.per_step.forEach((st, k) => assert.ok(Math.abs(st.sigma - (k + 1 < 10 ? sigmas[k + 1] : 0)) < 1e-12, `step ${k}: ${st.sigma}`));
    for (const wrong of [sigmas.slice(1), [...sigmas, 0.005]])
      await refused(await post({ scheduler: { _class_name: FLOW, stochastic_sampling: true, sigmas: wrong }, method: "block" }), "scheduler.sigmas", /10/);
  });

  test("use_dynamic_shifting with scheduler.mu samples; without mu on a 1-D model it answers 422", async () => {
    const shifted = (mu: number) => post({ scheduler: { _class_name: FLOW, stochastic_sampling: true, use_dynamic_shifting: true, mu }, method: "token" });
    const a = await ok(await shifted(0.5));
    const b = await ok(await shifted(2));
    assert.notDeepEqual(a.stats.per_step.map((s) => s.sigma), b.stats.per_step.map((s) => s.sigma));
    const res = await post({ scheduler: { _class_name: FLOW, stochastic_sampling: true, use_dynamic_shifting: true }, method: "token" });
    const message = await refused(res, "scheduler");
    assert.match(message, /mu/);
  });
});

describe("a learned (OIP) model keeps its prediction type", () => {
  // Planning happens before any call: a base URL nobody listens on is never reached by the refusals, and a request
  // that passes planning fails at the model (502 denoiser_unreachable), not with a 422.
  const settings = { base_url: "http://127.0.0.1:9", model_name: "ring", inputs: { sample: "sample", timestep: "timestep" }, output: "out" };
  const MODELS = JSON.stringify([
    { id: "remote-eps", provider: "oip", shape: [2], settings, scheduler: { _class_name: "DDPMScheduler", prediction_type: "epsilon" } },
    { id: "remote-v", provider: "oip", shape: [2], settings, scheduler: { _class_name: "DDPMScheduler", prediction_type: "v_prediction" } },
    { id: "remote-flow", provider: "oip", shape: [2], settings, scheduler: { _class_name: FLOW, shift: 3 } },
  ]);
  const remote = (model: string, scheduler: Record<string, unknown>, method = "sequential") => post({ model, scheduler, method, steps: 5 }, { MODELS });
  const planned = async (res: Response) => {
    const text = await res.text();
    assert.equal(res.status, 502, text);
    assert.equal((JSON.parse(text) as ErrorBody).error.code, "denoiser_unreachable", text);
  };

  test("an epsilon model cannot switch to flow matching or to v_prediction", async () => {
    await refused(await remote("remote-eps", { _class_name: FLOW, stochastic_sampling: true }), "scheduler.prediction_type", /predicts epsilon.*flow/);
    await refused(await remote("remote-eps", { _class_name: "EulerAncestralDiscreteScheduler", prediction_type: "v_prediction" }), "scheduler.prediction_type", /predicts epsilon/);
  });

  test("a v_prediction model cannot switch to flow matching or to epsilon", async () => {
    await refused(await remote("remote-v", { _class_name: FLOW, noise_level: 0.7 }, "block"), "scheduler.prediction_type", /predicts v_prediction.*flow/);
    await refused(await remote("remote-v", { _class_name: "EulerAncestralDiscreteScheduler", prediction_type: "epsilon" }), "scheduler.prediction_type", /predicts v_prediction/);
  });

  test("a switch within the same prediction type passes planning (and fails only at the unreachable model)", async () => {
    await planned(await remote("remote-eps", { _class_name: "EulerAncestralDiscreteScheduler" }));
    await planned(await remote("remote-v", { _class_name: "EulerAncestralDiscreteScheduler", use_karras_sigmas: true }, "block"));
  });

  // An OIP entry whose scheduler is flow matching serves the velocity ("flow") prediction type.
  test("a flow-matching model cannot switch to an epsilon scheduler, and can switch between flow samplers", async () => {
    for (const _class_name of ["DDPMScheduler", "EulerAncestralDiscreteScheduler", "DDIMScheduler"])
      await refused(await remote("remote-flow", { _class_name }), "scheduler.prediction_type", /predicts flow/);
    await planned(await remote("remote-flow", { _class_name: FLOW, noise_level: 0.5 }, "block"));
  });
});
