// Admission against the isolate's memory: a request that fits alone but not beside the running ones is
// answered 503 overloaded with Retry-After, and the memory it would have held is released once requests end.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { admit, reservedBytes } from "../../src/api/admission.ts";
import { LIMITS } from "../../src/api/limits.ts";
import { OverloadedError } from "../../src/errors.ts";
import { coreModule } from "../../tools/fixtures/core.ts";

const app = createApp({ coreModule: coreModule() });
const post = (body: unknown) => app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, {});
const latent = { model: "latent-16x128", num_samples: 1, steps: 4, method: "block", draft: { window: 16 }, seed: 1, output: "npy" };

test("admission: reservations add up to the isolate's budget and release once", () => {
  const start = reservedBytes();
  const a = admit(LIMITS.isolateRequestBytes / 2);
  assert.throws(() => admit(LIMITS.isolateRequestBytes / 2 + 1 - start), (e: unknown) => e instanceof OverloadedError && e.retryAfterS > 0);
  a();
  a();
  assert.equal(reservedBytes(), start, "a second release changes nothing");
});

test("admission: 503 overloaded with Retry-After while the isolate is full, 200 once it has room; nothing stays reserved", async () => {
  const hold = admit(LIMITS.isolateRequestBytes - 8 * 2 ** 20); // as if other requests were running
  try {
    const res = await post(latent);
    assert.equal(res.status, 503);
    assert.ok(Number(res.headers.get("retry-after")) > 0);
    const { error } = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, "overloaded");
    assert.match(error.message, /MiB/);
  } finally {
    hold();
  }
  const ok = await post(latent);
  assert.equal(ok.status, 200, await ok.clone().text());
  await ok.arrayBuffer();
  assert.equal(reservedBytes(), 0);
});

test("admission: two SD3-sized latent requests run side by side in one isolate", async () => {
  const [a, b] = await Promise.all([post(latent), post({ ...latent, seed: 2 })]);
  assert.deepEqual([a.status, b.status], [200, 200]);
  await Promise.all([a.arrayBuffer(), b.arrayBuffer()]);
  assert.equal(reservedBytes(), 0);
});

test("admission: a stream holds its reservation until it ends", async () => {
  const res = await post({ ...latent, output: "json", num_samples: 1, model: "glyphs", stream: true });
  assert.equal(res.status, 200);
  await res.text();
  assert.equal(reservedBytes(), 0);
});
