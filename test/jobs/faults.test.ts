// Provider faults during a job (the reference OIP provider with injected faults): a failed chunk is
// retried with backoff and the job completes with the synchronous answer's bytes; when the retries are
// spent the job fails with the reason (and its webhook says so); a chunk that runs past the model's
// deadline is split into smaller chunks.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { ANALYTIC_SCHEDULER } from "../../src/config/index.ts";
import { builtinModel } from "../../src/models/index.ts";
import { faultPlan } from "../../tools/provider/faults.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";
import { client, resultBytes, startJobsWorker, startReceiver, submit, syncBytes, verifySignature, waitFor, WEBHOOK_SECRET, type Fetch } from "./helpers.ts";

const entry = (id: string, url: string, extra: Record<string, unknown> = {}) => ({
  id,
  provider: "oip",
  shape: [2],
  scheduler: ANALYTIC_SCHEDULER,
  settings: {
    base_url: url,
    model_name: "ring",
    inputs: { sample: "sample", timestep: "timestep" },
    output: "model_output",
    max_rows_per_call: 4096,
    timeout_ms: 5_000,
    // No retries inside a chunk: each injected fault fails the chunk it hits.
    retry: { max_retries: 0, base_delay_ms: 1, max_delay_ms: 2 },
  },
  ...extra,
});

describe("jobs and provider faults", () => {
  let p: Provider;
  let slow: Provider;
  let mf: Miniflare;
  let f: Fetch;
  before(async () => {
    const ring = builtinModel("ring-2d")!;
    const models = [{ name: "ring", mixture: ring, scheduler: { ...ANALYTIC_SCHEDULER } }];
    p = await startProvider({ models });
    // 0.1 ms a row: a chunk's time grows with its chains, so that a smaller chunk fits the deadline.
    slow = await startProvider({ models, perRowMs: 0.1 });
    const MODELS = JSON.stringify([entry("ring-remote", p.url), entry("ring-slow", slow.url, { limits: { deadline_ms: 700 } })]);
    mf = startJobsWorker({ bindings: { MODELS } });
    f = client(mf);
  });
  after(async () => {
    await mf?.dispose();
    await p?.close();
    await slow?.close();
  });
  beforeEach(() => {
    p.setFaults(() => undefined);
    p.resetStats();
  });

  test("a provider outage fails a chunk, which is retried with backoff; the job completes with the synchronous bytes", async () => {
    // The first two infer calls answer 503: the first chunk fails twice, then every chunk succeeds.
    p.setFaults(faultPlan({ 0: "status-503", 1: "status-503" }));
    const body = { num_samples: 300, seed: 123, steps: 50 };
    const id = await submit(f, { ...body, model: "ring-remote", chunk_chains: 100 });
    const done = await waitFor(f, id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.equal(p.stats().faultsInjected, 2);
    assert.equal(done.progress.chunks_done, 3);
    assert.equal(done.progress.attempt, 0);
    const bucket = await mf.getR2Bucket("JOB_RESULTS");
    assert.equal((await bucket.list({ prefix: `jobs/${id}/parts/` })).objects.length, 3, "one part per chunk: no chain computed twice into the result");
    // The remote ring is the built-in ring served over OIP: the same samples as ring-2d for the same seed.
    const { bytes } = await resultBytes(f, id);
    assert.deepEqual(bytes, await syncBytes(f, { ...body, model: "ring-2d", output: "npy" }));
  });

  test("retries exhausted: the job fails with the reason after 1 + 5 attempts, and its webhook is called with job.failed", async () => {
    p.setFaults(faultPlan({}, { n: 1, fault: "status-503" }));
    const hook = await startReceiver();
    try {
      const id = await submit(f, { model: "ring-remote", num_samples: 10, seed: 1, webhook: hook.url });
      const done = await waitFor(f, id);
      assert.equal(done.status, "failed");
      assert.equal(done.error?.code, "denoiser_unavailable");
      assert.match(done.error!.message, /^the chunk of chains \[0, 10\) failed after 6 attempts: .*503/);
      assert.equal(done.progress.attempt, 6);
      assert.equal(done.result, null);
      assert.equal(p.stats().inferCalls, 6);
      const hooked = await waitFor(f, id, (s) => s.webhook?.state === "delivered");
      assert.equal(hooked.webhook?.attempts, 1);
      assert.equal(hook.received.length, 1);
      const event = JSON.parse(hook.received[0].body) as { event: string; job: { id: string; status: string; error: { code: string } } };
      assert.equal(event.event, "job.failed");
      assert.deepEqual([event.job.id, event.job.status, event.job.error.code], [id, "failed", "denoiser_unavailable"]);
      assert.ok(verifySignature(WEBHOOK_SECRET, hook.received[0]));
    } finally {
      await hook.close();
    }
  });

  test("a chunk past the model's deadline is halved until it fits, and the result is unchanged", async () => {
    const body = { num_samples: 512, seed: 5, steps: 30 };
    const id = await submit(f, { ...body, model: "ring-slow" });
    const done = await waitFor(f, id, undefined, 45_000);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.ok(done.progress.chunk_chains < 512, `chunk_chains ${done.progress.chunk_chains}`);
    assert.equal(done.progress.attempt, 0);
    const { bytes } = await resultBytes(f, id);
    assert.deepEqual(bytes, await syncBytes(f, { ...body, model: "ring-2d", output: "npy" }));
  });
});
