// The latent- and image-sized built-ins through the public route.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { coreModule } from "../../tools/fixtures/core.ts";

test("GET /v1/models lists both, rgb-256 as an image, latent-16x128 not", async () => {
  const app = createApp({ coreModule: coreModule() });
  const res = await app.request("/v1/models");
  assert.equal(res.status, 200);
  const { models } = (await res.json()) as { models: Array<{ id: string; shape: number[]; image: boolean; provider: string }> };
  const byId = new Map(models.map((m) => [m.id, m]));
  assert.deepEqual(byId.get("latent-16x128"), { ...byId.get("latent-16x128"), shape: [16, 128, 128], image: false, provider: "embedded" });
  assert.deepEqual(byId.get("rgb-256"), { ...byId.get("rgb-256"), shape: [3, 256, 256], image: true, provider: "embedded" });
});
