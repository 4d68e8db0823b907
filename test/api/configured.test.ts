import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { get, postSamples, type ErrorBody, type SampleBody } from "./client.ts";
import { DEFAULT_DRAFT } from "../../src/sampler/options.ts";

// A deployment with a bearer token, one configured model and two broken entries (an embedded one
// and an oip one whose settings the bundled provider refuses), as wrangler.toml [vars] and a secret would give.
const oipSettings = { base_url: "ftp://gpu", model_name: "unet", inputs: { sample: "sample", timestep: "timestep" }, output: "out" };
const MODELS = JSON.stringify([
  { id: "ring-fast", provider: "embedded", mixture: "ring-2d", description: "ring, 12 steps", defaults: { steps: 12, method: "token", draft: { window: 3 } } },
  { id: "ring-broken", provider: "embedded", mixture: "ring-2d", defaults: { steps: 2000 } },
  { id: "unet-broken", provider: "oip", shape: [4, 8, 8], settings: oipSettings },
]);
const TOKEN = "s3cret-token";

let mf: Miniflare;
before(() => {
  mf = startWorker({ bindings: { MODELS, API_TOKEN: TOKEN } });
});
after(() => mf.dispose());

const auth = { authorization: `Bearer ${TOKEN}` };

test("auth: with API_TOKEN set, sampling needs the bearer token (401 otherwise)", async () => {
  const attempts: Array<Record<string, string>> = [{}, { authorization: "Bearer wrong" }, { authorization: TOKEN }];
  for (const headers of attempts) {
    const res = await postSamples(mf, { model: "ring-fast" }, headers);
    assert.equal(res.status, 401);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
    assert.equal(((await res.json()) as ErrorBody).error.code, "unauthorized");
  }
  const res = await postSamples(mf, { model: "ring-fast", seed: 1 }, auth);
  assert.equal(res.status, 200);
});

test("auth is checked before the body is validated", async () => {
  const res = await postSamples(mf, "{not json");
  assert.equal(res.status, 401);
});

test("GET /v1/models lists built-ins and configured models with shape, provider, scheduler, defaults", async () => {
  const res = await get(mf, "/v1/models");
  assert.equal(res.status, 200);
  const { models } = (await res.json()) as { models: Array<Record<string, any>> };
  const ids = models.map((m) => m.id);
  assert.deepEqual(ids.slice(0, 3), ["ring-2d", "gmm-512", "glyphs"]);
  assert.deepEqual(ids.slice(-3), ["ring-fast", "ring-broken", "unet-broken"]);
  const glyphs = models.find((m) => m.id === "glyphs")!;
  assert.deepEqual(glyphs.shape, [16, 16]);
  assert.equal(glyphs.image, true);
  assert.equal(glyphs.provider, "embedded");
  assert.equal(glyphs.scheduler.num_train_timesteps, 1000);
  const fast = models.find((m) => m.id === "ring-fast")!;
  assert.deepEqual(fast.defaults, { steps: 12, method: "token", draft: { ...DEFAULT_DRAFT, window: 3 } });
  assert.equal(fast.defaults.draft.type, "free");
});

test("broken MODELS entries are listed as unavailable with the reason; requests for them answer 503", async () => {
  const { models } = (await (await get(mf, "/v1/models")).json()) as { models: Array<Record<string, any>> };
  const broken = models.filter((m) => m.available === false).map(({ id, provider, reason }) => ({ id, provider, reason }));
  assert.deepEqual(broken, [
    { id: "ring-broken", provider: "embedded", reason: "defaults.steps 2000 exceeds num_train_timesteps 1000" },
    { id: "unet-broken", provider: "oip", reason: "settings.base_url: base_url must be http or https" },
  ]);
  assert.ok(models.filter((m) => m.id !== "ring-broken" && m.id !== "unet-broken").every((m) => m.available === true));
  for (const [id, problem] of [["ring-broken", /defaults\.steps 2000 exceeds/], ["unet-broken", /settings\.base_url: base_url must be http or https/]] as const) {
    const res = await postSamples(mf, { model: id }, auth);
    assert.equal(res.status, 503);
    const { error } = (await res.json()) as ErrorBody;
    assert.equal(error.code, "model_unavailable");
    assert.equal(error.field, "model");
    assert.match(error.message, new RegExp(`^model "${id}" is unavailable: its MODELS entry is invalid: `));
    assert.match(error.message, problem);
  }
  assert.equal((await postSamples(mf, { model: "ring-fast", seed: 2 }, auth)).status, 200);
});

test("a configured model's defaults apply to fields the request leaves out", async () => {
  const body = (await (await postSamples(mf, { model: "ring-fast" }, auth)).json()) as SampleBody;
  assert.equal(body.stats.steps, 12);
  assert.equal(body.stats.method, "token");
});

test("GET /openapi.json documents every route from the validating schemas; /docs renders it", async () => {
  const doc = (await (await get(mf, "/openapi.json")).json()) as Record<string, any>;
  assert.equal(doc.openapi, "3.1.0");
  for (const p of ["/v1/samples", "/v1/models", "/v1/health"]) assert.ok(doc.paths[p], p);
  const post = doc.paths["/v1/samples"].post;
  assert.deepEqual(Object.keys(post.responses).sort(), ["200", "400", "401", "413", "415", "422", "429", "502", "503", "504"]);
  assert.ok(post.responses["200"].content["image/png"]);
  const req = doc.components.schemas.SampleRequest;
  assert.equal(req.properties.draft.$ref ?? req.properties.draft.anyOf?.[0]?.$ref, "#/components/schemas/Draft");
  // window: an integer 1..32, or "auto" (the latency-aware window).
  const windowForms = doc.components.schemas.Draft.properties.window.anyOf as Record<string, unknown>[];
  assert.ok(windowForms.some((f) => f.maximum === 32), JSON.stringify(windowForms));
  assert.ok(windowForms.some((f) => f.const === "auto" || (Array.isArray(f.enum) && f.enum.includes("auto"))), JSON.stringify(windowForms));
  assert.equal(doc.components.securitySchemes.bearer.scheme, "bearer");
  const docs = await get(mf, "/docs");
  assert.equal(docs.status, 200);
  assert.match(await docs.text(), /openapi\.json/);
});
