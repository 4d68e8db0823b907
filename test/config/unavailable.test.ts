// Broken MODELS entries through the app: listed as unavailable, 503 model_unavailable on request,
// the other models serving. Node's app.request with the bindings a deployment would have.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { oipConfigOf, oipRemoteProvider } from "../../src/denoisers/oip/index.ts";
import { coreModule } from "../../tools/fixtures/core.ts";

const settings = { base_url: "http://127.0.0.1:9", model_name: "ring", inputs: { sample: "sample", timestep: "timestep" }, output: "out" };
const MODELS = JSON.stringify([
  { id: "ring-fast", provider: "embedded", mixture: "ring-2d", defaults: { steps: 10 } },
  { id: "ring-cosine", provider: "embedded", mixture: "ring-2d", description: "broken on purpose", scheduler: { beta_schedule: "cosine" } },
  { id: "remote-bad-url", provider: "oip", shape: [2], settings: { ...settings, base_url: "nope" } },
  { id: "remote-secret", provider: "oip", shape: [2], settings: { ...settings, auth: { secret: "GPU_TOKEN" } } },
  { id: "ring-2d", provider: "embedded", mixture: "glyphs" },
]);

const app = createApp({ coreModule: coreModule(), providers: { oip: oipRemoteProvider() }, settingsChecks: { oip: oipConfigOf } });
const bare = createApp({ coreModule: coreModule() });
type ErrorBody = { error: { code: string; message: string; field?: string } };

const sample = (a: typeof app, model: string, env: Record<string, unknown> = { MODELS }) =>
  a.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model, num_samples: 2, seed: 1 }) }, env);

const unavailable = async (res: Response, message: RegExp) => {
  assert.equal(res.status, 503);
  const { error } = (await res.json()) as ErrorBody;
  assert.equal(error.code, "model_unavailable");
  assert.equal(error.field, "model");
  assert.match(error.message, message);
};

test("GET /v1/models lists broken entries as unavailable with the reason, and MODELS-wide problems", async () => {
  const res = await app.request("/v1/models", {}, { MODELS });
  assert.equal(res.status, 200);
  const body = (await res.json()) as { models: Array<Record<string, any>>; config_errors?: string[] };
  const byId = new Map(body.models.map((m) => [m.id, m]));
  assert.equal(byId.get("ring-fast")?.available, true);
  assert.equal(byId.get("ring-2d")?.available, true);
  assert.deepEqual(byId.get("ring-2d")?.shape, [2], "the built-in, not the entry reusing its id");
  assert.deepEqual(byId.get("ring-cosine"), {
    id: "ring-cosine",
    description: "broken on purpose",
    provider: "embedded",
    available: false,
    reason: 'scheduler.beta_schedule: unsupported beta_schedule "cosine"; supported: linear, scaled_linear, squaredcos_cap_v2',
  });
  assert.equal(byId.get("remote-bad-url")?.available, false);
  assert.match(byId.get("remote-bad-url")?.reason, /^settings\.base_url: base_url "nope" is not a URL$/);
  assert.equal(byId.get("remote-secret")?.available, true, "secrets are read per request, not at load");
  assert.equal(body.config_errors?.length, 1);
  assert.match(body.config_errors![0], /MODELS\[4\]: id "ring-2d" is a built-in model's/);
  const plain = (await (await app.request("/v1/models", {}, {})).json()) as Record<string, unknown>;
  assert.equal("config_errors" in plain, false);
});

test("a request for a broken entry answers 503 model_unavailable naming the problem; the others serve", async () => {
  await unavailable(await sample(app, "ring-cosine"), /^model "ring-cosine" is unavailable: its MODELS entry is invalid: scheduler\.beta_schedule: unsupported beta_schedule "cosine"/);
  await unavailable(await sample(app, "remote-bad-url"), /settings\.base_url: base_url "nope" is not a URL/);
  assert.equal((await sample(app, "ring-fast")).status, 200);
  assert.equal((await sample(app, "ring-2d")).status, 200);
  assert.equal((await sample(app, "no-such-model")).status, 422, "an unknown id stays a request error");
});

test("a provider that refuses an entry at use, or is not bundled, is a 503 too", async () => {
  await unavailable(await sample(app, "remote-secret"), /^model "remote-secret" is unavailable: the secret GPU_TOKEN is not set$/);
  await unavailable(await sample(bare, "remote-secret"), /its provider "oip" is not bundled in this build/);
  // Without the settings check, a bad entry is found at first use, with the same answer.
  await unavailable(await sample(bare, "remote-bad-url"), /provider "oip" is not bundled/);
  const unchecked = createApp({ coreModule: coreModule(), providers: { oip: oipRemoteProvider() } });
  await unavailable(await sample(unchecked, "remote-bad-url"), /^model "remote-bad-url" is unavailable: settings\.base_url: base_url "nope" is not a URL$/);
});

test("MODELS that is not JSON: built-ins serve, every other id is unavailable with the syntax error", async () => {
  const env = { MODELS: '[{"id": "ring-fast",' };
  const body = (await (await app.request("/v1/models", {}, env)).json()) as { models: Array<{ id: string }>; config_errors?: string[] };
  assert.ok(body.models.some((m) => m.id === "glyphs"));
  assert.equal(body.models.some((m) => m.id === "ring-fast"), false);
  assert.match(body.config_errors?.[0] ?? "", /^MODELS is not valid JSON \(/);
  await unavailable(await sample(app, "ring-fast", env), /^model "ring-fast" is unavailable: it is not a built-in model, and MODELS could not be read: MODELS is not valid JSON/);
  assert.equal((await sample(app, "ring-2d", env)).status, 200);
});
