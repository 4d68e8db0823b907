// A restart in the middle of a job: the runtime is stopped (Miniflare disposed, as when `wrangler dev` is
// killed) and started again on the same persisted state. The job's alarm survives, the job resumes at
// its last checkpoint and completes with the same bytes as the synchronous answer; no chain is lost or
// written twice (one R2 part per chunk).
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import type { Miniflare } from "miniflare";
import { client, resultBytes, startJobsWorker, submit, syncBytes, waitFor } from "./helpers.ts";

const persist = mkdtempSync(join(tmpdir(), "jobs-restart-"));
let mf: Miniflare | undefined;
after(async () => {
  await mf?.dispose();
  rmSync(persist, { recursive: true, force: true });
});

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

test("a job resumes after a restart of the runtime and completes with the synchronous answer's bytes", async () => {
  const TOKEN = "restart-token-7f3a9c";
  const body = { model: "ring-2d", num_samples: 2048, seed: 77 };
  mf = startJobsWorker({ persist });
  let f = client(mf, TOKEN);
  const id = await submit(f, { ...body, chunk_chains: 64 });
  const before = await waitFor(f, id, (s) => s.progress.chains_done >= 256);
  assert.equal(before.status, "running");
  await mf.dispose();
  mf = undefined;

  // The same deployment started again: nothing is sent to the job; its alarm brings it back.
  await new Promise((r) => setTimeout(r, 200));
  mf = startJobsWorker({ persist });
  f = client(mf, TOKEN);
  await mf.ready;
  // Watched through R2 only (a status request would touch the object): every part appears with no request.
  const bucket = await mf.getR2Bucket("JOB_RESULTS");
  const partCount = async () => (await bucket.list({ prefix: `jobs/${id}/parts/` })).objects.length;
  const watchStarted = Date.now();
  while ((await partCount()) < 2048 / 64) {
    assert.ok(Date.now() - watchStarted < 60_000, `no progress after the restart without a request: ${await partCount()} parts`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const done = await waitFor(f, id, undefined, 60_000);
  assert.equal(done.status, "succeeded", JSON.stringify(done.error));
  assert.equal(done.progress.chunks_done, 2048 / 64);
  const parts = (await bucket.list({ prefix: `jobs/${id}/parts/` })).objects;
  assert.equal(parts.length, 2048 / 64, "one part per chunk");
  assert.equal(parts.reduce((a, o) => a + o.size, 0), 2048 * 2 * 4);
  const { bytes } = await resultBytes(f, id);
  assert.deepEqual(bytes, await syncBytes(f, { ...body, output: "npy" }));

  // What persisted is the token's hash, never the token.
  const needle = Buffer.from(TOKEN);
  for (const file of filesUnder(persist)) assert.equal(readFileSync(file).indexOf(needle), -1, `${file} holds the bearer token`);
});
