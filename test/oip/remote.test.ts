// The API's "oip" provider hook: MODELS entries become OIP clients, checked as deployment config.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { RemoteProviders } from "../../src/api/denoiser.ts";
import { ConfigError } from "../../src/config/index.ts";
import { oipConfigOf, oipRemoteProvider } from "../../src/denoisers/oip/index.ts";
import { DEFAULT_DRAFT } from "../../src/sampler/options.ts";

const entry = (settings: Record<string, unknown>, scheduler: Record<string, unknown> = {}) => ({
  id: "unet",
  shape: [3, 32, 32],
  scheduler,
  settings: { base_url: "https://gpu.example.com", model_name: "unet", inputs: { sample: "x", timestep: "t" }, output: "y", ...settings },
});

test("shape and prediction type come from the entry; settings add the wire", () => {
  const c = oipConfigOf(entry({ wire_dtype: "FP16" }, { prediction_type: "v_prediction" }));
  assert.deepEqual(c.sampleShape, [3, 32, 32]);
  assert.equal(c.predictionType, "v_prediction");
  assert.equal(c.wireDtype, "FP16");
});

test("bad settings are a ConfigError naming the entry and field", () => {
  assert.throws(() => oipConfigOf(entry({ base_url: "nope" })), (e: unknown) =>
    e instanceof ConfigError && /MODELS entry "unet": settings.base_url: base_url "nope" is not a URL/.test(e.message));
  assert.throws(() => oipConfigOf(entry({ sample_shape: [3072] })), /differs from shape \[3,32,32\]/);
  assert.throws(() => oipConfigOf(entry({ prediction_type: "sample" })), /differs from the scheduler's epsilon/);
});

test("one client per entry and token for the isolate; a missing secret is a ConfigError", () => {
  const providers: RemoteProviders = { oip: oipRemoteProvider() };
  const make = providers.oip!;
  const config = { ...entry({ auth: { secret: "GPU_TOKEN" } }), description: "", provider: "oip" as const, defaults: { steps: 10, method: "block" as const, draft: DEFAULT_DRAFT } };
  const a = make(config, { GPU_TOKEN: "t1" } as never);
  assert.equal(make(config, { GPU_TOKEN: "t1" } as never), a);
  assert.notEqual(make(config, { GPU_TOKEN: "t2" } as never), a);
  assert.equal(a.dim, 3072);
  assert.throws(() => make(config, {} as never), (e: unknown) => e instanceof ConfigError && /the secret GPU_TOKEN is not set/.test(e.message));
});
