import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { bytesOf, postSamples, type SampleBody } from "./client.ts";
import { parseNpy } from "./npy-reader.ts";

let mf: Miniflare;
before(() => {
  mf = startWorker();
});
after(() => mf.dispose());

const ring = { model: "ring-2d", num_samples: 3, steps: 20, method: "block", draft: { window: 4 } };

test("POST /v1/samples answers JSON in the documented shape", async () => {
  const res = await postSamples(mf, { ...ring, seed: 11 });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
  const body = (await res.json()) as SampleBody;
  assert.deepEqual(Object.keys(body).sort(), ["samples", "seed", "stats", "timing"]);
  assert.deepEqual(body.samples.shape, [3, 2]);
  assert.equal(body.samples.dtype, "float32");
  assert.equal(body.samples.data.length, 6);
  assert.ok(body.samples.data.every(Number.isFinite));
  assert.equal(body.seed, 11);
  assert.equal(res.headers.get("x-seed"), "11");
  const { stats } = body;
  assert.equal(stats.steps, 20);
  assert.equal(stats.chains.length, 3);
  assert.equal(stats.per_step.length, 20);
  assert.ok(stats.rounds >= 1 && stats.rounds <= 20);
  for (const c of stats.chains) assert.equal(c.committed, 20);
  assert.ok(stats.target_rows >= stats.rounds);
  for (const k of ["total_ms", "denoiser_ms", "core_ms"] as const) assert.ok(body.timing[k] >= 0);
});

test("a request without a seed gets a fresh integer seed in [0, 2^53), echoed in body and header", async () => {
  const seeds = [];
  for (let i = 0; i < 2; i++) {
    const res = await postSamples(mf, { model: "ring-2d", steps: 5 });
    const body = (await res.json()) as SampleBody;
    assert.ok(Number.isSafeInteger(body.seed) && body.seed >= 0);
    assert.equal(res.headers.get("x-seed"), String(body.seed));
    seeds.push(body.seed);
  }
  assert.notEqual(seeds[0], seeds[1]);
});

test("the same seed gives byte-identical samples; another seed does not", async () => {
  const npy = async (seed: number) => bytesOf(await postSamples(mf, { ...ring, seed, output: "npy" }));
  const [a, b, c] = [await npy(5), await npy(5), await npy(6)];
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  const json = (await (await postSamples(mf, { ...ring, seed: 5 })).json()) as SampleBody;
  assert.deepEqual([...parseNpy(a).data], json.samples.data, "npy and JSON carry the same float32 values");
});

test("output npy: a NumPy file with the samples' shape and the stats in headers", async () => {
  const res = await postSamples(mf, { model: "glyphs", num_samples: 2, steps: 8, seed: 3, output: "npy" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "application/x-npy");
  const npy = parseNpy(await bytesOf(res));
  assert.equal(npy.descr, "<f4");
  assert.deepEqual(npy.shape, [2, 16, 16]);
  const stats = JSON.parse(res.headers.get("x-stats") ?? "{}");
  assert.equal(stats.steps, 8);
  assert.match(res.headers.get("server-timing") ?? "", /total;dur=/);
});

test("output png: a PNG grid whose IHDR has the grid's dimensions", async () => {
  const res = await postSamples(mf, { model: "glyphs", num_samples: 4, steps: 8, seed: 3, output: "png" });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get("content-type"), "image/png");
  const png = await bytesOf(res);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const ihdr = new DataView(png.buffer, png.byteOffset + 8);
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  // 2 x 2 tiles of 16 px scaled 4x, with 2 px gutters
  assert.equal(ihdr.getUint32(8), 2 * 64 + 3 * 2);
  assert.equal(ihdr.getUint32(12), 2 * 64 + 3 * 2);
});

test("an inline mixture is sampled in its own dimension and shape", async () => {
  const model = { type: "gmm", means: [[-2, 0, 1], [2, 0, -1]], weights: [1, 3], std: 0.5 };
  const res = await postSamples(mf, { model, num_samples: 2, steps: 10, method: "token", seed: 1 });
  assert.equal(res.status, 200);
  const body = (await res.json()) as SampleBody;
  assert.deepEqual(body.samples.shape, [2, 3]);
  assert.equal(body.stats.method, "token");
});

test("every method and draft type answers, and sequential takes one round per step", async () => {
  for (const [method, type] of [["sequential", "free"], ["token", "frozen-target"], ["block", "frozen-target"]]) {
    const res = await postSamples(mf, { model: "ring-2d", steps: 12, method, draft: { type, window: 3, bonus: false }, seed: 2 });
    assert.equal(res.status, 200, `${method}/${type}`);
    const body = (await res.json()) as SampleBody;
    if (method === "sequential") assert.equal(body.stats.rounds, 12);
  }
});
