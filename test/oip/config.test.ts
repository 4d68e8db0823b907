// Parsing an OIP model configuration: defaults, normalisation, and errors that name the field.
import assert from "node:assert/strict";
import { test } from "node:test";
import { OIP_DEFAULTS, parseOipConfig, modelUrl } from "../../src/denoisers/oip/index.ts";
import { InvalidRequestError } from "../../src/errors.ts";

const minimal = {
  base_url: "https://triton.example.com/",
  model_name: "unet",
  inputs: { sample: "sample", timestep: "timestep" },
  output: "out_sample",
  sample_shape: [4, 64, 64],
};

test("a minimal configuration takes the documented defaults", () => {
  const c = parseOipConfig(minimal);
  assert.equal(c.baseUrl, "https://triton.example.com");
  assert.equal(c.predictionType, "epsilon");
  assert.equal(c.wireDtype, "FP32");
  assert.equal(c.binary, true);
  assert.equal(c.maxRowsPerCall, OIP_DEFAULTS.maxRowsPerCall);
  assert.equal(c.maxConcurrentCalls, 6);
  assert.equal(c.timeoutMs, 30_000);
  assert.deepEqual(c.retry, { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000 });
  assert.equal(c.auth, undefined);
  assert.equal(modelUrl(c), "https://triton.example.com/v2/models/unet");
});

test("every key is read", () => {
  const c = parseOipConfig({
    ...minimal,
    base_url: "http://127.0.0.1:8000/kserve",
    model_version: "3",
    prediction_type: "v_prediction",
    wire_dtype: "FP16",
    binary: false,
    max_rows_per_call: 16,
    max_concurrent_calls: 2,
    timeout_ms: 5_000,
    retry: { max_retries: 0 },
    auth: { secret: "TRITON_KEY", header: "x-api-key", scheme: "" },
  });
  assert.equal(modelUrl(c), "http://127.0.0.1:8000/kserve/v2/models/unet/versions/3");
  assert.equal(c.predictionType, "v_prediction");
  assert.equal(c.wireDtype, "FP16");
  assert.equal(c.binary, false);
  assert.deepEqual([c.maxRowsPerCall, c.maxConcurrentCalls, c.timeoutMs], [16, 2, 5_000]);
  assert.deepEqual(c.retry, { maxRetries: 0, baseDelayMs: 100, maxDelayMs: 2_000 });
  assert.deepEqual(c.auth, { secret: "TRITON_KEY", header: "x-api-key", scheme: "" });
});

const rejects = (patch: Record<string, unknown>, field: string, message: RegExp) =>
  assert.throws(() => parseOipConfig({ ...minimal, ...patch }, "models.unet"), (e: unknown) => {
    assert.ok(e instanceof InvalidRequestError, String(e));
    assert.equal(e.field, field);
    assert.match(e.message, message);
    return true;
  });

test("bad values are refused with their dotted field", () => {
  rejects({ base_url: "ftp://x" }, "models.unet.base_url", /http or https/);
  rejects({ base_url: "not a url" }, "models.unet.base_url", /is not a URL/);
  rejects({ base_url: "https://x/?q=1" }, "models.unet.base_url", /no query/);
  rejects({ model_name: "a/b" }, "models.unet.model_name", /only letters/);
  rejects({ inputs: { sample: "s" } }, "models.unet.inputs.timestep", /non-empty string/);
  rejects({ sample_shape: [] }, "models.unet.sample_shape", /1 to 8 dimensions/);
  rejects({ sample_shape: [4, 0] }, "models.unet.sample_shape[1]", /integer >= 1/);
  rejects({ sample_shape: [65536, 65536] }, "models.unet.sample_shape", /at most/);
  rejects({ wire_dtype: "BF16" }, "models.unet.wire_dtype", /supported: FP32, FP16/);
  rejects({ prediction_type: "x0" }, "models.unet.prediction_type", /supported/);
  rejects({ max_rows_per_call: 0 }, "models.unet.max_rows_per_call", /integer >= 1/);
  rejects({ timeout_ms: 0 }, "models.unet.timeout_ms", />= 1/);
  rejects({ retry: { base_delay_ms: 50, max_delay_ms: 10 } }, "models.unet.retry.max_delay_ms", />= base_delay_ms/);
  rejects({ retry: { max_retries: 11 } }, "models.unet.retry.max_retries", /<= 10/);
  rejects({ auth: { header: "x" } }, "models.unet.auth.secret", /non-empty string/);
  rejects({ auth: { secret: "S", header: "bad header" } }, "models.unet.auth.header", /header name/);
  assert.throws(() => parseOipConfig("unet", "m"), /m must be a JSON object/);
});
