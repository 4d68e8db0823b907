// Webhooks of finished jobs, received by a local HTTP server: signed with HMAC-SHA256 over
// `${X-Signature-Timestamp}.${body}` under WEBHOOK_SECRET, retried with backoff when the receiver fails.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { client, jobsWorkerPerSuite, postJson, startJobsWorker, startReceiver, submit, verifySignature, waitFor, WEBHOOK_SECRET } from "./helpers.ts";

describe("job webhooks", () => {
  const { f } = jobsWorkerPerSuite();

  test("on success: POSTed, signed (X-Signature: sha256=<hex>, X-Signature-Timestamp), retried after a failed delivery", async () => {
    const hook = await startReceiver([500]); // the first delivery fails
    try {
      const id = await submit(f, { model: "ring-2d", num_samples: 40, seed: 2, webhook: hook.url });
      const s = await waitFor(f, id, (x) => x.webhook?.state === "delivered" || x.webhook?.state === "failed");
      assert.equal(s.status, "succeeded");
      assert.deepEqual([s.webhook?.state, s.webhook?.attempts, s.webhook?.url], ["delivered", 2, hook.url]);
      assert.equal(hook.received.length, 2);
      for (const r of hook.received) {
        assert.equal(r.headers["content-type"], "application/json");
        assert.equal(r.headers["x-webhook-event"], "job.succeeded");
        assert.match(String(r.headers["x-signature"]), /^sha256=[0-9a-f]{64}$/);
        assert.ok(Math.abs(Number(r.headers["x-signature-timestamp"]) - Date.now() / 1000) < 300);
        assert.ok(verifySignature(WEBHOOK_SECRET, r), "the signature verifies with the deployment's secret");
        assert.ok(!verifySignature("another-secret", r), "and not with another");
        assert.ok(!verifySignature(WEBHOOK_SECRET, { ...r, body: r.body.replace('"succeeded"', '"failed"') }), "nor over another body");
      }
      const event = JSON.parse(hook.received[1].body) as { event: string; job: { id: string; status: string; result: { npy: string } } };
      assert.equal(event.event, "job.succeeded");
      assert.equal(event.job.id, id);
      assert.equal(event.job.status, "succeeded");
      assert.equal(event.job.result.npy, `http://worker.test/v1/jobs/${id}/result?format=npy`);
    } finally {
      await hook.close();
    }
  });

  test("on cancel: job.cancelled", async () => {
    const hook = await startReceiver();
    try {
      const id = await submit(f, { model: "ring-2d", num_samples: 4096, seed: 2, chunk_chains: 32, webhook: hook.url });
      await f(`/v1/jobs/${id}`, { method: "DELETE" });
      const s = await waitFor(f, id, (x) => x.webhook?.state === "delivered");
      assert.equal(s.status, "cancelled");
      assert.equal(JSON.parse(hook.received[0].body).event, "job.cancelled");
    } finally {
      await hook.close();
    }
  });

  test("a receiver that never answers 2xx: retried a bounded number of times, then the webhook is marked failed", async () => {
    const hook = await startReceiver(Array(20).fill(503));
    try {
      const id = await submit(f, { model: "ring-2d", num_samples: 5, seed: 2, webhook: hook.url });
      const s = await waitFor(f, id, (x) => x.webhook?.state === "failed", 60_000);
      assert.equal(s.status, "succeeded");
      assert.equal(s.webhook?.attempts, 8);
      assert.equal(s.webhook?.last_error, "answered 503");
      assert.equal(hook.received.length, 8);
    } finally {
      await hook.close();
    }
  });
});

describe("a deployment without WEBHOOK_SECRET", () => {
  let mf: Miniflare;
  before(() => {
    mf = startJobsWorker({ bindings: { WEBHOOK_SECRET: "" } });
  });
  after(() => mf?.dispose());

  test("refuses a job with a webhook (422 on webhook) and runs jobs without one", async () => {
    const f = client(mf);
    const res = await postJson(f, "/v1/jobs", { model: "ring-2d", webhook: "http://127.0.0.1:9/hook" });
    assert.equal(res.status, 422);
    const body = (await res.json()) as { error: { code: string; field: string; message: string } };
    assert.equal(body.error.field, "webhook");
    assert.match(body.error.message, /WEBHOOK_SECRET/);
    assert.equal((await waitFor(f, await submit(f, { model: "ring-2d", num_samples: 3 }))).status, "succeeded");
  });
});
