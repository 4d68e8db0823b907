// A route asked with a method it does not serve answers 405 with Allow listing the ones it does;
// only a path no route serves answers 404.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Miniflare } from "miniflare";
import { createApp } from "../../src/app.ts";
import { allowedMethods } from "../../src/api/method.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import { startWorker } from "../helpers/worker.ts";
import { ORIGIN, type ErrorBody } from "./client.ts";

const app = createApp({ coreModule: coreModule() });

const expect405 = async (res: Response, allow: string) => {
  const body = (await res.json()) as ErrorBody;
  assert.equal(res.status, 405, JSON.stringify(body));
  assert.equal(res.headers.get("allow"), allow);
  assert.equal(body.error.code, "method_not_allowed");
  for (const m of allow.split(", ")) assert.match(body.error.message, new RegExp(m));
};

test("POST to a GET route and GET to the POST route: 405 with Allow", async () => {
  await expect405(await app.request("/v1/models", { method: "POST" }), "GET, HEAD");
  await expect405(await app.request("/v1/health", { method: "DELETE" }), "GET, HEAD");
  await expect405(await app.request("/openapi.json", { method: "PUT", body: "{}" }), "GET, HEAD");
  await expect405(await app.request("/v1/samples"), "POST");
});

test("a path no route serves is still 404, and served methods are unaffected", async () => {
  const res = await app.request("/v1/nope", { method: "POST" });
  assert.equal(res.status, 404);
  assert.equal(res.headers.get("allow"), null);
  assert.equal(((await res.json()) as ErrorBody).error.code, "not_found");
  assert.equal((await app.request("/v1/models")).status, 200);
  assert.equal((await app.request("/v1/models", { method: "HEAD" })).status, 200);
});

test("Hono path patterns: parameters, constrained parameters and wildcards", () => {
  const routes = [
    { method: "ALL", path: "/*" },
    { method: "GET", path: "/v1/jobs/:id" },
    { method: "DELETE", path: "/v1/jobs/:id{[0-9a-f]+}" },
    { method: "GET", path: "/files/*" },
  ];
  assert.deepEqual(allowedMethods(routes, "/v1/jobs/abc"), ["DELETE", "GET", "HEAD"]);
  assert.deepEqual(allowedMethods(routes, "/v1/jobs/xyz"), ["GET", "HEAD"]);
  assert.deepEqual(allowedMethods(routes, "/v1/jobs/abc/result"), []);
  assert.deepEqual(allowedMethods(routes, "/files/a/b.png"), ["GET", "HEAD"]);
  assert.deepEqual(allowedMethods(routes, "/elsewhere"), []);
});

let mf: Miniflare;
before(() => {
  mf = startWorker();
});
after(() => mf.dispose());

test("under workerd: GET /v1/samples is 405 with Allow: POST", async () => {
  const res = (await mf.dispatchFetch(`${ORIGIN}/v1/samples`)) as unknown as Response;
  await expect405(res, "POST");
});
