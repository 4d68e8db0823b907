// POST /v1/jobs, GET /v1/jobs/{id}, GET /v1/jobs/{id}/result, DELETE /v1/jobs/{id} on the deploy bundle
// under Miniflare: submit, poll, result, cancel; idempotency; who may see a job; what is refused.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { client, jobsWorkerPerSuite, postJson, resultBytes, startJobsWorker, status, submit, syncBytes, waitFor, type JobStatus } from "./helpers.ts";

interface ErrorBody {
  error: { code: string; message: string; field?: string };
}

const errorOf = async (res: Response, statusCode: number, code: string): Promise<ErrorBody["error"]> => {
  const body = (await res.json()) as ErrorBody;
  assert.equal(res.status, statusCode, JSON.stringify(body));
  assert.equal(body.error.code, code, JSON.stringify(body));
  return body.error;
};

describe("jobs API", () => {
  const { f, mf } = jobsWorkerPerSuite();

  test("submit answers 202 {id, status, status_url}; poll until succeeded; the npy result is the synchronous answer, byte for byte", async () => {
    const body = { model: "ring-2d", num_samples: 600, seed: 41 };
    const res = await postJson(f, "/v1/jobs", { ...body, chunk_chains: 100 });
    assert.equal(res.status, 202);
    const accepted = (await res.json()) as { id: string; status: string; status_url: string };
    assert.deepEqual(Object.keys(accepted).sort(), ["id", "status", "status_url"]);
    assert.match(accepted.id, /^[0-9a-f]{64}$/);
    assert.equal(accepted.status, "queued");
    assert.equal(accepted.status_url, `http://worker.test/v1/jobs/${accepted.id}`);
    assert.equal(res.headers.get("location"), accepted.status_url);
    const done = await waitFor(f, accepted.id);
    assert.equal(done.status, "succeeded", JSON.stringify(done.error));
    assert.deepEqual(done.shape, [600, 2]);
    assert.equal(done.seed, 41);
    assert.deepEqual(
      { chains_done: done.progress.chains_done, chains_total: done.progress.chains_total, chunks_done: done.progress.chunks_done, chunk_chains: done.progress.chunk_chains },
      { chains_done: 600, chains_total: 600, chunks_done: 6, chunk_chains: 100 },
    );
    assert.equal(done.stats.rounds, done.progress.rounds);
    assert.ok(done.stats.rounds >= 6 && done.stats.rounds <= 6 * 100);
    assert.ok(done.stats.acceptance! > 0 && done.stats.acceptance! <= 1);
    assert.ok(done.result && done.result.json && done.result.png === null);
    const { res: npy, bytes } = await resultBytes(f, accepted.id);
    assert.equal(npy.headers.get("content-type"), "application/x-npy");
    assert.equal(npy.headers.get("x-seed"), "41");
    assert.equal(bytes.byteLength, done.result.bytes);
    assert.deepEqual(bytes, await syncBytes(f, { ...body, output: "npy" }));
    // JSON (small results): the same values as the synchronous JSON answer.
    const json = (await (await f(new URL(done.result.json).pathname + new URL(done.result.json).search)).json()) as { samples: { shape: number[]; data: number[] }; seed: number };
    const sync = (await (await postJson(f, "/v1/samples", body)).json()) as { samples: { shape: number[]; data: number[] } };
    assert.deepEqual(json.samples, { ...sync.samples });
    assert.equal(json.seed, 41);
  });

  test("the result before the job succeeded is 409 result_unavailable; DELETE cancels, and a cancelled job stays cancelled", async () => {
    const id = await submit(f, { model: "ring-2d", num_samples: 4096, seed: 3, chunk_chains: 32 });
    const early = await errorOf(await f(`/v1/jobs/${id}/result`), 409, "result_unavailable");
    assert.match(early.message, /is (queued|running) \(\d+ of 4096 chains done\)/);
    await waitFor(f, id, (s) => s.progress.chains_done > 0);
    const res = await f(`/v1/jobs/${id}`, { method: "DELETE" });
    assert.equal(res.status, 200);
    const cancelled = (await res.json()) as JobStatus;
    assert.equal(cancelled.status, "cancelled");
    assert.ok(cancelled.progress.chains_done < 4096);
    await new Promise((r) => setTimeout(r, 300));
    const later = await status(f, id);
    assert.equal(later.status, "cancelled");
    assert.equal(later.progress.chains_done, cancelled.progress.chains_done, "a chunk that ends after the cancel is discarded");
    assert.match((await errorOf(await f(`/v1/jobs/${id}/result`), 409, "result_unavailable")).message, /was cancelled/);
    // Its partial samples are gone from R2.
    const bucket = await mf().getR2Bucket("JOB_RESULTS");
    assert.deepEqual((await bucket.list({ prefix: `jobs/${id}/parts/` })).objects, []);
    // Cancelling again, or a finished job, answers it unchanged.
    assert.equal(((await (await f(`/v1/jobs/${id}`, { method: "DELETE" })).json()) as JobStatus).status, "cancelled");
  });

  test("Idempotency-Key: the same key and body answer the same job; another body is 422 idempotency_conflict; keys are per token", async () => {
    const body = { model: "ring-2d", num_samples: 50, seed: 9 };
    const key = { "idempotency-key": "order-1234" };
    const first = await postJson(f, "/v1/jobs", body, key);
    assert.equal(first.status, 202);
    const a = (await first.json()) as { id: string };
    assert.equal(first.headers.get("idempotent-replayed"), null);
    // Same body with its keys in another order: the same job.
    const again = await postJson(f, "/v1/jobs", { seed: 9, num_samples: 50, model: "ring-2d" }, key);
    assert.equal(again.status, 202);
    assert.equal(again.headers.get("idempotent-replayed"), "true");
    assert.equal(((await again.json()) as { id: string }).id, a.id);
    const conflict = await errorOf(await postJson(f, "/v1/jobs", { ...body, seed: 10 }, key), 422, "idempotency_conflict");
    assert.equal(conflict.field, "Idempotency-Key");
    assert.match(conflict.message, new RegExp(a.id));
    // Another token's same key is another job.
    const other = await submit(client(mf(), "another-token"), body, key);
    assert.notEqual(other, a.id);
    // Without a key, each submission is a new job.
    assert.notEqual(await submit(f, body), await submit(f, body));
    assert.equal((await waitFor(f, a.id)).status, "succeeded");
  });

  test("a job is visible only with the token that created it: another token gets 404 on every route", async () => {
    const alice = client(mf(), "alice-token"), bob = client(mf(), "bob-token");
    const id = await submit(alice, { model: "ring-2d", num_samples: 20, seed: 1 });
    await waitFor(alice, id);
    for (const [path, method] of [[`/v1/jobs/${id}`, "GET"], [`/v1/jobs/${id}/result`, "GET"], [`/v1/jobs/${id}`, "DELETE"]] as const) {
      await errorOf(await bob(path, { method }), 404, "not_found");
      await errorOf(await f(path, { method }), 404, "not_found"); // no token
    }
    assert.equal((await status(alice, id)).status, "succeeded");
  });

  test("unknown and malformed ids are 404 not_found", async () => {
    await errorOf(await f(`/v1/jobs/${"0".repeat(64)}`), 404, "not_found");
    await errorOf(await f("/v1/jobs/not-a-job"), 404, "not_found");
    await errorOf(await f(`/v1/jobs/${"ab".repeat(40)}/result`), 404, "not_found");
  });

  test("refused at submission: a stream, too many samples, png of a non-image, a JSON result over json_values, a webhook that is not a URL", async () => {
    const cases: [unknown, number, string, string][] = [
      [{ model: "ring-2d", stream: true }, 422, "invalid_request", "stream"],
      [{ model: "ring-2d", num_samples: 1_000_001 }, 422, "invalid_request", "num_samples"],
      [{ model: "ring-2d", output: "png" }, 422, "invalid_request", "output"],
      [{ model: "glyphs", num_samples: 1025, output: "json" }, 413, "limit_exceeded", "output"],
      [{ model: "ring-2d", webhook: "ftp://example.com/x" }, 422, "invalid_request", "webhook"],
      [{ model: "ring-2d", num_samples: 100_000, chunk_chains: 10 }, 413, "limit_exceeded", "chunk_chains"],
      [{ model: "nope" }, 422, "invalid_request", "model"],
      [{ model: "ring-2d", draft: { window: 99 } }, 422, "invalid_request", "draft.window"],
    ];
    for (const [body, code, name, field] of cases) {
      const e = await errorOf(await postJson(f, "/v1/jobs", body), code, name);
      assert.equal(e.field, field, JSON.stringify(body));
    }
  });
});

describe("jobs without their bindings", () => {
  let mf: Miniflare;
  before(() => {
    mf = startJobsWorker({ noJobs: true, bindings: { API_TOKEN: "s3cret" } });
  });
  after(() => mf?.dispose());

  test("503 jobs_unavailable naming the missing bindings; /v1/samples still serves; auth still comes first", async () => {
    const f = client(mf, "s3cret");
    const e = await errorOf(await postJson(f, "/v1/jobs", { model: "ring-2d" }), 503, "jobs_unavailable");
    assert.match(e.message, /JOBS Durable Object binding and the JOB_RESULTS R2 bucket binding/);
    await errorOf(await f(`/v1/jobs/${"0".repeat(64)}`), 503, "jobs_unavailable");
    assert.equal((await postJson(f, "/v1/samples", { model: "ring-2d", steps: 5 })).status, 200);
    await errorOf(await postJson(client(mf), "/v1/jobs", { model: "ring-2d" }), 401, "unauthorized");
  });
});
