import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createApp } from "../src/app.ts";
import { coreModule } from "../tools/fixtures/core.ts";

test("GET /v1/health reports version and a SIMD core", async () => {
  const app = createApp({ coreModule: coreModule() });
  const res = await app.request("/v1/health");
  assert.equal(res.status, 200);
  const body = (await res.json()) as { status: string; version: string; core: { simd: boolean } };
  assert.equal(body.status, "ok");
  assert.equal(body.version, JSON.parse(readFileSync("package.json", "utf8")).version);
  assert.equal(body.core.simd, true);
});
