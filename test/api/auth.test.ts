// The bearer check (src/api/auth.ts, hono/bearer-auth): 401 unauthorized with the API's error body and
// WWW-Authenticate for every refusal, a missing or malformed header included; open without API_TOKEN.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { loadCoreModule } from "../../tools/core-module.ts";
import type { ErrorBody } from "./client.ts";

const app = createApp({ coreModule: loadCoreModule() });
const TOKEN = "s3cret-Token_1.2~3+4/5=";
const body = JSON.stringify({ model: "ring-2d", num_samples: 1, steps: 2, seed: 1 });
const post = (headers: Record<string, string>, env: Record<string, string> = { API_TOKEN: TOKEN }) =>
  app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json", ...headers }, body }, env);

test("auth: the right token passes, the scheme in any case", async () => {
  for (const scheme of ["Bearer", "bearer", "BEARER"]) assert.equal((await post({ authorization: `${scheme} ${TOKEN}` })).status, 200, scheme);
});

test("auth: missing, malformed or wrong: 401 unauthorized with the API's body and a Bearer challenge", async () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{}, /requires Authorization: Bearer/],
    [{ authorization: TOKEN }, /requires Authorization: Bearer/],
    [{ authorization: `Basic ${TOKEN}` }, /requires Authorization: Bearer/],
    [{ authorization: "Bearer" }, /requires Authorization: Bearer/],
    [{ authorization: "Bearer not a token" }, /requires Authorization: Bearer/],
    [{ authorization: "Bearer wrong" }, /invalid bearer token/],
    [{ authorization: `Bearer x${TOKEN}` }, /invalid bearer token/],
    [{ authorization: `Bearer ${TOKEN}x` }, /requires Authorization: Bearer/], // not a token68: "=" only at the end,
  ];
  for (const [headers, message] of cases) {
    const res = await post(headers);
    assert.equal(res.status, 401, JSON.stringify(headers));
    assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="samples"');
    const { error } = (await res.json()) as ErrorBody;
    assert.equal(error.code, "unauthorized");
    assert.match(error.message, message);
  }
});

test("auth: without API_TOKEN the route is open, whatever Authorization says", async () => {
  assert.equal((await post({}, {})).status, 200);
  assert.equal((await post({ authorization: "Bearer anything" }, {})).status, 200);
  assert.equal((await post({ authorization: "garbage" }, { API_TOKEN: "" })).status, 200);
});

test("auth: an unauthenticated client makes the Worker read no body (401 before the body cap, found in review)", async () => {
  let pulled = 0;
  const chunk = new TextEncoder().encode(" ".repeat(1 << 20));
  const endless = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled += chunk.byteLength;
      c.enqueue(chunk);
    },
  });
  const init = { method: "POST", headers: { "content-type": "application/json" }, body: endless, duplex: "half" } as RequestInit;
  const res = await app.request("/v1/samples", init, { API_TOKEN: TOKEN });
  assert.equal(res.status, 401);
  assert.ok(pulled <= 4 * chunk.byteLength, `the Worker pulled ${pulled} bytes of an unauthenticated body`);
});
