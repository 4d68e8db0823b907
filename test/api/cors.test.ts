// CORS: only the origins ALLOWED_ORIGINS lists (none by default) get CORS headers; their preflights are
// answered, their answers (errors included) readable with the seed, stats and timing headers exposed.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Miniflare } from "miniflare";
import { createApp } from "../../src/app.ts";
import { parseAllowedOrigins } from "../../src/api/cors.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import { startWorker } from "../helpers/worker.ts";
import { ORIGIN } from "./client.ts";

const app = createApp({ coreModule: coreModule() });
const APP = "https://app.example.com";
const env = { ALLOWED_ORIGINS: ` ${APP}/ , http://localhost:5173` };

const preflight = (origin: string, e: Record<string, unknown> = env, path = "/v1/samples") =>
  app.request(path, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" } }, e);

const sample = (origin: string | undefined, e: Record<string, unknown> = env, body: unknown = { model: "ring-2d", num_samples: 2, steps: 5, seed: 3 }) =>
  app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json", ...(origin ? { origin } : {}) }, body: JSON.stringify(body) }, e);

const list = (header: string | null) => (header ?? "").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);

test("parseAllowedOrigins: comma-separated, trimmed, normalised to scheme://host[:port]; * for any", () => {
  assert.deepEqual([...parseAllowedOrigins(env.ALLOWED_ORIGINS).origins], [APP, "http://localhost:5173"]);
  assert.equal(parseAllowedOrigins("").origins.size, 0);
  assert.equal(parseAllowedOrigins(undefined).origins.size, 0);
  assert.equal(parseAllowedOrigins("HTTPS://App.Example.com:443/x").origins.has(APP), true);
  assert.equal(parseAllowedOrigins("*").any, true);
  assert.equal(parseAllowedOrigins(APP).any, false);
});

test("a preflight from an allowed origin is answered 204 with the methods, headers and max-age", async () => {
  const res = await preflight(APP);
  assert.equal(res.status, 204);
  assert.equal(res.headers.get("access-control-allow-origin"), APP);
  assert.ok(list(res.headers.get("access-control-allow-methods")).includes("post"));
  assert.deepEqual(list(res.headers.get("access-control-allow-headers")).sort(), ["accept", "authorization", "content-type"]);
  assert.equal(res.headers.get("access-control-max-age"), "600");
  assert.ok(list(res.headers.get("vary")).includes("origin"));
  assert.equal((await preflight("http://localhost:5173", env, "/v1/models/glyphs")).headers.get("access-control-allow-origin"), "http://localhost:5173");
});

test("an allowed origin's answers carry Allow-Origin and expose X-Seed, X-Stats, Server-Timing; errors too", async () => {
  const res = await sample(APP);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), APP);
  const exposed = list(res.headers.get("access-control-expose-headers"));
  for (const h of ["x-seed", "x-stats", "server-timing", "retry-after"]) assert.ok(exposed.includes(h), h);
  assert.ok(list(res.headers.get("vary")).includes("origin"));
  assert.equal(res.headers.get("x-seed"), "3");

  const invalid = await sample(APP, env, { model: "ring-2d", steps: 0 });
  assert.equal(invalid.status, 422);
  assert.equal(invalid.headers.get("access-control-allow-origin"), APP);
  const unauthorized = await sample(APP, { ...env, API_TOKEN: "s3cret" });
  assert.equal(unauthorized.status, 401);
  assert.equal(unauthorized.headers.get("access-control-allow-origin"), APP);
  const missing = await app.request("/v1/models/nope", { headers: { origin: APP } }, env);
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get("access-control-allow-origin"), APP);
});

test("an origin not listed gets no CORS headers, and its preflight falls through to 405", async () => {
  const res = await sample("https://evil.example");
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("access-control-allow-origin"), null);
  assert.equal(res.headers.get("access-control-expose-headers"), null);
  assert.ok(list(res.headers.get("vary")).includes("origin"));
  const pre = await preflight("https://evil.example");
  assert.equal(pre.status, 405);
  assert.equal(pre.headers.get("access-control-allow-origin"), null);
  // Same host, other scheme or port: another origin.
  assert.equal((await sample("http://app.example.com")).headers.get("access-control-allow-origin"), null);
  assert.equal((await sample("http://localhost:5174")).headers.get("access-control-allow-origin"), null);
});

test("by default (no ALLOWED_ORIGINS, or empty) no origin gets CORS headers", async () => {
  for (const e of [{}, { ALLOWED_ORIGINS: "" }]) {
    const res = await sample(APP, e);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("access-control-allow-origin"), null);
    assert.equal(res.headers.get("vary"), null);
    assert.equal((await preflight(APP, e)).status, 405);
  }
});

test('ALLOWED_ORIGINS="*" allows any origin with Allow-Origin: *', async () => {
  const res = await sample("https://anywhere.example", { ALLOWED_ORIGINS: "*" });
  assert.equal(res.headers.get("access-control-allow-origin"), "*");
  const pre = await preflight("https://anywhere.example", { ALLOWED_ORIGINS: "*" });
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), "*");
});

// The deploy bundle under workerd, ALLOWED_ORIGINS as a var binding (`npm run bundle` first).
let mf: Miniflare;
before(async () => {
  mf = startWorker({ bindings: { ALLOWED_ORIGINS: APP } });
  await mf.ready;
});
after(async () => {
  await mf?.dispose();
});

test("workerd: the bundle answers an allowed origin's preflight and GET /v1/models/{id} with its CORS headers", async () => {
  const pre = (await mf.dispatchFetch(`${ORIGIN}/v1/samples`, {
    method: "OPTIONS",
    headers: { origin: APP, "access-control-request-method": "POST", "access-control-request-headers": "content-type" },
  })) as unknown as Response;
  assert.equal(pre.status, 204);
  assert.equal(pre.headers.get("access-control-allow-origin"), APP);
  const model = (await mf.dispatchFetch(`${ORIGIN}/v1/models/glyphs`, { headers: { origin: APP } })) as unknown as Response;
  assert.equal(model.status, 200);
  assert.equal(model.headers.get("access-control-allow-origin"), APP);
  assert.equal(((await model.json()) as { id: string }).id, "glyphs");
  const other = (await mf.dispatchFetch(`${ORIGIN}/v1/models/glyphs`, { headers: { origin: "https://evil.example" } })) as unknown as Response;
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  await other.arrayBuffer();
});
