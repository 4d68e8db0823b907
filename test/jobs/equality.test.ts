// A job of many chunks gives the synchronous answer's bytes: chain c of the job is chain c of POST
// /v1/samples with the same body and seed, whatever the chunking, for a 2-D model and an image model
// (npy, and the PNG page against the synchronous PNG grid).
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { jobsWorkerPerSuite, resultBytes, submit, syncBytes, waitFor } from "./helpers.ts";

describe("a job equals the synchronous samples", () => {
  const { f } = jobsWorkerPerSuite();

  for (const [name, body, chunk] of [
    ["ring-2d, block (defaults), 6 chunks of 75 and one of 1", { model: "ring-2d", num_samples: 451, seed: 2026 }, 75],
    ["ring-2d, token L = 4, DDIM, 5 chunks of 40", { model: "ring-2d", num_samples: 200, seed: 8, method: "token", draft: { window: 4 }, scheduler: { _class_name: "DDIMScheduler" }, steps: 40 }, 40],
  ] as const) {
    test(name, async () => {
      const id = await submit(f, { ...body, chunk_chains: chunk });
      const done = await waitFor(f, id);
      assert.equal(done.status, "succeeded", JSON.stringify(done.error));
      assert.equal(done.progress.chunks_done, Math.ceil(body.num_samples / chunk));
      const { bytes } = await resultBytes(f, id);
      assert.deepEqual(bytes, await syncBytes(f, { ...body, output: "npy" }));
    });
  }

  test("glyphs (16 x 16 images), 4 chunks of 16: the npy bytes, and PNG page 0 is the synchronous PNG grid", async () => {
    const body = { model: "glyphs", num_samples: 64, steps: 20, seed: 99 };
    const id = await submit(f, { ...body, output: "png", chunk_chains: 16 });
    const done = await waitFor(f, id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(done.progress.chunks_done, 4);
    assert.deepEqual(done.result?.png && { pages: done.result.png.pages, per: done.result.png.samples_per_page }, { pages: 1, per: 256 });
    const npy = await resultBytes(f, id, "?format=npy");
    assert.deepEqual(npy.bytes, await syncBytes(f, { ...body, output: "npy" }));
    const png = await resultBytes(f, id); // the job's output: png, page 0
    assert.equal(png.res.headers.get("content-type"), "image/png");
    assert.equal(png.res.headers.get("x-page"), "0/1");
    assert.deepEqual(png.bytes, await syncBytes(f, { ...body, output: "png" }));
    const outOfRange = await f(`/v1/jobs/${id}/result?format=png&page=1`);
    assert.equal(outOfRange.status, 422);
    assert.equal(((await outOfRange.json()) as { error: { field: string } }).error.field, "page");
  });
});
