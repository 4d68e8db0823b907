import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Miniflare } from "miniflare";
import { startWorker } from "./helpers/worker.ts";

let mf: Miniflare;
before(() => {
  mf = startWorker();
});
after(() => mf.dispose());

test("the deployable bundle answers /v1/health under workerd with the SIMD core", async () => {
  const res = await mf.dispatchFetch("http://worker.test/v1/health");
  assert.equal(res.status, 200);
  const body = (await res.json()) as { status: string; core: { simd: boolean } };
  assert.equal(body.status, "ok");
  assert.equal(body.core.simd, true);
});
