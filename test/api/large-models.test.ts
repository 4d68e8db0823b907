// Realistic latent sizes run in one isolate under workerd: one chain of an SD3/Flux-sized latent
// (16 x 128 x 128 = 262,144 values) at L = 16, and one 3 x 256 x 256 image at L = 16. About 10 s.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { postSamples } from "./client.ts";
import { parseNpy } from "./npy-reader.ts";

let mf: Miniflare;
before(() => {
  mf = startWorker();
});
after(() => mf?.dispose());

for (const [model, shape] of [["latent-16x128", [16, 128, 128]], ["rgb-256", [3, 256, 256]]] as const) {
  test(`${model}: one chain at L = 16 is admitted and completes under workerd, every step committed`, async () => {
    const res = await postSamples(mf, { model, num_samples: 1, steps: 12, method: "block", draft: { window: 16 }, seed: 3, output: "npy" });
    assert.equal(res.status, 200, await res.clone().text());
    const stats = JSON.parse(res.headers.get("x-stats")!);
    assert.equal(stats.steps, 12);
    assert.ok(stats.rounds >= 1 && stats.rounds <= 12, `rounds ${stats.rounds}`);
    const npy = parseNpy(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(npy.shape, [1, ...shape]);
    assert.ok(npy.data.every(Number.isFinite), "finite samples");
  });
}
