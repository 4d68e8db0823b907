// GET /v1/models/{id}: one model, the same object GET /v1/models lists; 404 not_found naming the id.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createApp } from "../../src/app.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import type { ErrorBody } from "./client.ts";

const app = createApp({ coreModule: coreModule() });
const env = {
  MODELS: JSON.stringify([
    { id: "ring-fast", provider: "embedded", mixture: "ring-2d", defaults: { steps: 12, method: "token" } },
    { id: "broken", provider: "embedded", mixture: "no-such-mixture", description: "a bad entry" },
  ]),
};

const listed = async () => {
  const body = (await (await app.request("/v1/models", {}, env)).json()) as { models: { id: string }[] };
  return new Map(body.models.map((m) => [m.id, m]));
};

test("every listed model, built-in, configured or unavailable, answers 200 with the object the list holds", async () => {
  const models = await listed();
  assert.ok(models.size >= 5);
  for (const [id, listing] of models) {
    const res = await app.request(`/v1/models/${encodeURIComponent(id)}`, {}, env);
    assert.equal(res.status, 200, id);
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    assert.deepEqual(await res.json(), listing, id);
  }
  const fast = (await (await app.request("/v1/models/ring-fast", {}, env)).json()) as Record<string, any>;
  assert.equal(fast.available, true);
  assert.deepEqual(fast.shape, [2]);
  assert.equal(fast.defaults.steps, 12);
  const broken = (await (await app.request("/v1/models/broken", {}, env)).json()) as Record<string, any>;
  assert.equal(broken.available, false);
  assert.match(broken.reason, /mixture/);
  const glyphs = (await (await app.request("/v1/models/glyphs")).json()) as Record<string, any>;
  assert.equal(glyphs.image, true);
});

test("an unknown id is 404 not_found naming it; a configured id is unknown where MODELS lacks it", async () => {
  const res = await app.request("/v1/models/nope-42", {}, env);
  assert.equal(res.status, 404);
  const body = (await res.json()) as ErrorBody;
  assert.equal(body.error.code, "not_found");
  assert.match(body.error.message, /"nope-42"/);
  assert.equal((await app.request("/v1/models/ring-fast")).status, 404);
  // Percent-encoded ids are decoded before the look-up, and a long one is quoted only in part.
  const odd = (await (await app.request(`/v1/models/${encodeURIComponent("a b")}`)).json()) as ErrorBody;
  assert.match(odd.error.message, /"a b"/);
  const long = (await (await app.request(`/v1/models/${"x".repeat(5000)}`)).json()) as ErrorBody;
  assert.ok(long.error.message.length < 300, `${long.error.message.length} characters`);
});

test("other methods on /v1/models/{id} are 405 with Allow: GET, HEAD; HEAD is served", async () => {
  const res = await app.request("/v1/models/glyphs", { method: "DELETE" });
  assert.equal(res.status, 405);
  assert.equal(res.headers.get("allow"), "GET, HEAD");
  assert.equal((await app.request("/v1/models/glyphs", { method: "HEAD" })).status, 200);
});
