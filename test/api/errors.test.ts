import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { get, postSamples, type ErrorBody } from "./client.ts";

let mf: Miniflare;
before(() => {
  mf = startWorker();
});
after(() => mf.dispose());

const ok = { model: "ring-2d", steps: 10 };

const expectError = async (res: Response | Promise<Response>, status: number, code: string, field?: string) => {
  const r = await res;
  const body = (await r.json()) as ErrorBody;
  assert.equal(r.status, status, JSON.stringify(body));
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, "string");
  if (field !== undefined) assert.equal(body.error.field, field);
  return body.error;
};

test("400: malformed JSON", async () => {
  await expectError(postSamples(mf, '{"model": "ring-2d",'), 400, "malformed_request");
});

test("415: a body that is not application/json", async () => {
  await expectError(postSamples(mf, JSON.stringify(ok), { "content-type": "text/plain" }), 415, "unsupported_media_type");
});

test("422: unknown model, named in field", async () => {
  const e = await expectError(postSamples(mf, { model: "no-such-model" }), 422, "invalid_request", "model");
  assert.match(e.message, /ring-2d/);
});

test("422: steps out of range (1..num_train_timesteps)", async () => {
  await expectError(postSamples(mf, { ...ok, steps: 0 }), 422, "invalid_request", "steps");
  const e = await expectError(postSamples(mf, { ...ok, steps: 1001 }), 422, "invalid_request", "steps");
  assert.match(e.message, /1000/);
});

test("422: draft window out of range (1..32)", async () => {
  await expectError(postSamples(mf, { ...ok, draft: { window: 0 } }), 422, "invalid_request", "draft.window");
  await expectError(postSamples(mf, { ...ok, draft: { window: 33 } }), 422, "invalid_request", "draft.window");
});

test("422: unsupported scheduler values name scheduler.<key>", async () => {
  await expectError(postSamples(mf, { ...ok, scheduler: { beta_schedule: "cosine" } }), 422, "invalid_request", "scheduler.beta_schedule");
  await expectError(postSamples(mf, { ...ok, scheduler: { type: "pndm" } }), 422, "invalid_request", "scheduler.type");
  await expectError(postSamples(mf, { ...ok, scheduler: { thresholding: true } }), 422, "invalid_request", "scheduler.thresholding");
  await expectError(postSamples(mf, { ...ok, scheduler: { _class_name: "EulerAncestralDiscreteScheduler", prediction_type: "sample" } }), 422, "invalid_request", "scheduler.prediction_type");
});

test("422: inline mixture with mismatched sizes or non-finite numbers", async () => {
  const gmm = { type: "gmm", means: [[0, 0], [1, 1]], std: 0.5 };
  await expectError(postSamples(mf, { model: { ...gmm, means: [[0, 0], [1]] } }), 422, "invalid_request", "model.means[1]");
  await expectError(postSamples(mf, { model: { ...gmm, weights: [1] } }), 422, "invalid_request", "model.weights");
  await expectError(postSamples(mf, { model: { ...gmm, shape: [3] } }), 422, "invalid_request", "model.shape");
  // 1e400 is valid JSON and parses to Infinity
  const inf = await postSamples(mf, '{"model": {"type": "gmm", "means": [[0, 1e400]], "std": 1}}');
  assert.equal(inf.status, 422);
  assert.match(((await inf.json()) as ErrorBody).error.field ?? "", /^model\.means\[0\]\[1\]$/);
  await expectError(postSamples(mf, { model: { ...gmm, means: [[0, 1e39]] } }), 422, "invalid_request", "model.means[0][1]");
});

test("422: unknown fields, wrong types and png for a non-image model", async () => {
  await expectError(postSamples(mf, { ...ok, num_sample: 3 }), 422, "invalid_request", "num_sample");
  await expectError(postSamples(mf, { ...ok, method: "fast" }), 422, "invalid_request", "method");
  await expectError(postSamples(mf, { ...ok, seed: 2 ** 53 }), 422, "invalid_request", "seed");
  await expectError(postSamples(mf, { ...ok, output: "png" }), 422, "invalid_request", "output");
});

test("413: requests over a size limit name the limit", async () => {
  const json = await expectError(postSamples(mf, { model: "gmm-512", num_samples: 2048, draft: { window: 32 } }), 413, "limit_exceeded", "output");
  assert.match(json.message, /json_values.*npy/);
  const mem = await expectError(postSamples(mf, { model: "gmm-512", num_samples: 2048, draft: { window: 32 }, output: "npy" }), 413, "limit_exceeded", "num_samples");
  assert.match(mem.message, /limit memory .* at most \d+ samples fit/);
  const cpu = await expectError(postSamples(mf, { model: "glyphs", num_samples: 64, steps: 1000, draft: { window: 32 } }), 413, "limit_exceeded", "steps");
  assert.match(cpu.message, /limit cpu/);
});

test("404: unknown routes answer the same error shape", async () => {
  await expectError(get(mf, "/v2/nothing"), 404, "not_found");
});
