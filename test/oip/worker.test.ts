// The deployable bundle under Miniflare, sampling a model served by the reference provider on
// 127.0.0.1: same samples as the embedded model, FP16 within rounding, faults mapped to 502/504.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { postSamples, type ErrorBody, type SampleBody } from "../api/client.ts";
import { ANALYTIC_SCHEDULER } from "../../src/config/index.ts";
import { builtinModel } from "../../src/models/index.ts";
import { faultPlan } from "../../tools/provider/faults.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";


const entry = (id: string, url: string, settings: Record<string, unknown> = {}) => ({
  id,
  provider: "oip",
  shape: [2],
  scheduler: ANALYTIC_SCHEDULER,
  settings: {
    base_url: url,
    model_name: "ring",
    inputs: { sample: "sample", timestep: "timestep" },
    output: "model_output",
    max_rows_per_call: 64,
    timeout_ms: 2_000,
    retry: { max_retries: 2, base_delay_ms: 1, max_delay_ms: 2 },
    auth: { secret: "PROVIDER_TOKEN" },
    ...settings,
  },
});

describe("Worker with an OIP provider", () => {
  let p: Provider;
  let mf: Miniflare;
  before(async () => {
    const ring = builtinModel("ring-2d")!;
    const scheduler = { ...ANALYTIC_SCHEDULER };
    p = await startProvider({ token: "tok", models: [{ name: "ring", mixture: ring, scheduler }, { name: "ring-fp16", mixture: ring, dtype: "FP16", scheduler }] });
    const MODELS = JSON.stringify([
      entry("ring-remote", p.url),
      entry("ring-remote-fp16", p.url, { model_name: "ring-fp16", wire_dtype: "FP16" }),
      entry("ring-misnamed", p.url, { output: "eps" }),
    ]);
    mf = startWorker({ bindings: { MODELS, PROVIDER_TOKEN: "tok" } });
  });
  after(async () => {
    await mf?.dispose();
    await p?.close();
  });
  beforeEach(() => {
    p.setFaults(() => undefined);
    p.resetStats();
  });

  const request = { num_samples: 8, steps: 30, seed: 4242 };
  const sample = async (model: string, method: string) => {
    const res = await postSamples(mf, { ...request, model, method });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as SampleBody;
  };

  for (const method of ["sequential", "block"]) {
    test(`${method}: the same samples as the embedded model for the same seed`, async () => {
      const local = await sample("ring-2d", method);
      const remote = await sample("ring-remote", method);
      assert.deepEqual(remote.samples, local.samples);
      assert.equal(remote.stats.rounds, local.stats.rounds);
      assert.ok(p.stats().inferCalls >= remote.stats.rounds);
    });
  }

  test("FP16 wire: samples within FP16 rounding", async () => {
    const local = await sample("ring-2d", "sequential");
    const half = await sample("ring-remote-fp16", "sequential");
    const worst = Math.max(...half.samples.data.map((v, i) => Math.abs(v - local.samples.data[i])));
    assert.ok(worst > 0 && worst < 0.05, `largest difference ${worst}`);
  });

  const failing = async (model: string, status: number, code: string, message: RegExp) => {
    const res = await postSamples(mf, { ...request, model, method: "block" });
    assert.equal(res.status, status);
    const body = (await res.json()) as ErrorBody;
    assert.equal(body.error.code, code);
    assert.match(body.error.message, message);
  };

  test("a provider that keeps answering 503: 502 denoiser_unavailable after 1 + max_retries calls", async () => {
    p.setFaults(faultPlan({}, { n: 1, fault: "status-503" }));
    await failing("ring-remote", 502, "denoiser_unavailable", /no usable answer after 3 attempts \(3 answered an error status; last: provider answered 503 \(Service Unavailable\)\)/);
    assert.equal(p.stats().inferCalls, 3);
  });

  test("a malformed answer: 502 naming the cause, not retried", async () => {
    p.setFaults(faultPlan({ 0: "nan" }));
    await failing("ring-remote", 502, "denoiser_bad_response", /non-finite value/);
    assert.equal(p.stats().inferCalls, 1);
  });

  test("a metadata mismatch is refused at the first call", async () => {
    await failing("ring-misnamed", 502, "denoiser_bad_response", /no output named "eps" \(the model has "model_output"\)/);
    assert.equal(p.stats().inferCalls, 0);
  });
});
