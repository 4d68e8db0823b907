// How a job is cut into chunks (src/jobs/chunk.ts), in Node: each chunk is the largest /v1/samples
// request the per-request limits admit (or chunk_chains), and a chunk's chains are the job's chains
// [start, start + count) of the job's seed: the same samples as that slice of one large run.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_NUM_SAMPLES } from "../../src/api/limits.ts";
import { planRequest } from "../../src/api/plan.ts";
import { JobRequestSchema } from "../../src/api/schemas/jobs.ts";
import { loadModels } from "../../src/config/index.ts";
import { LimitError } from "../../src/errors.ts";
import { chunkRequest, largestChunk, planChunk, runChunk } from "../../src/jobs/chunk.ts";
import { JOB_LIMITS, pngPageSamples, retryDelayMs } from "../../src/jobs/limits.ts";
import { coreModule } from "../../tools/fixtures/core.ts";

const catalog = loadModels(undefined);
const job = (body: Record<string, unknown>) => JobRequestSchema.parse(body);

test("the chunk is the largest request within the per-request limits: one more chain is refused", () => {
  // 1,000 steps at L = 32: the CPU estimate binds well below num_samples' 4,096.
  const body = job({ model: "ring-2d", num_samples: 100_000, steps: 1000, draft: { window: 32 } });
  const { chains, plan } = largestChunk(body, catalog, 1, MAX_NUM_SAMPLES);
  assert.ok(chains > 1 && chains < MAX_NUM_SAMPLES, `${chains}`);
  assert.equal(plan.options.numChains, chains);
  planRequest(chunkRequest(body, 0, chains, 1), catalog);
  assert.throws(() => planRequest(chunkRequest(body, 0, chains + 1, 1), catalog), (e: unknown) => e instanceof LimitError && e.field === "steps");
  // Memory binds for a large latent: a few chains per chunk.
  const latent = largestChunk(job({ model: "latent-16x128", num_samples: 100 }), catalog, 1, MAX_NUM_SAMPLES);
  assert.ok(latent.chains >= 1 && latent.chains <= 4, `${latent.chains}`);
  assert.throws(() => planRequest(chunkRequest(job({ model: "latent-16x128" }), 0, latent.chains + 1, 1), catalog), LimitError);
  // Small models: num_samples' own bound; chunk_chains caps it.
  assert.equal(largestChunk(job({ model: "ring-2d", num_samples: 100_000 }), catalog, 1, MAX_NUM_SAMPLES).chains, MAX_NUM_SAMPLES);
  assert.equal(largestChunk(job({ model: "ring-2d", num_samples: 100_000 }), catalog, 1, 100).chains, 100);
});

test("a body that is invalid even for one chain throws that request's error", () => {
  assert.throws(() => largestChunk(job({ model: "ring-2d", steps: 5000 }), catalog, 1, 10), (e: unknown) => (e as { field?: string }).field === "steps");
  assert.throws(() => largestChunk(job({ model: "no-such-model" }), catalog, 1, 10), (e: unknown) => (e as { field?: string }).field === "model");
});

test("chunks of a job are the slices of one run: chains [start, start + count) with the job's seed", async () => {
  const body = job({ model: "glyphs", num_samples: 12, steps: 12, method: "block", draft: { window: 4 } });
  const deps = { coreModule: coreModule(), providers: {}, env: {} };
  const signal = new AbortController().signal;
  const whole = await runChunk(planChunk(body, catalog, 31, 0, 12), deps, signal);
  const dim = 256;
  for (const [start, count] of [[0, 5], [5, 5], [10, 2]]) {
    const part = await runChunk(planChunk(body, catalog, 31, start, count), deps, signal);
    assert.deepEqual(part.samples, whole.samples.subarray(start * dim, (start + count) * dim), `chains [${start}, ${start + count})`);
  }
});

test("a job's body: num_samples up to 1,000,000; its webhook an http(s) URL", () => {
  assert.equal(job({ model: "ring-2d", num_samples: JOB_LIMITS.maxSamples }).num_samples, 1_000_000);
  assert.throws(() => job({ model: "ring-2d", num_samples: JOB_LIMITS.maxSamples + 1 }));
  assert.throws(() => job({ model: "ring-2d", webhook: "file:///etc/passwd" }));
  assert.equal(job({ model: "ring-2d", webhook: "https://example.com/h" }).webhook, "https://example.com/h");
});

test("retry delays double up to the cap, with equal jitter; PNG pages shrink for large images", () => {
  assert.deepEqual([1, 2, 3, 10].map((n) => retryDelayMs(n, 100, 1_000, 2, () => 0)), [50, 100, 200, 500]);
  assert.deepEqual([1, 2].map((n) => retryDelayMs(n, 100, 1_000, 2, () => 0.999999)), [100, 200]);
  assert.equal(pngPageSamples(256, { channels: 1, height: 16, width: 16 }), 256);
  const rgb = pngPageSamples(3 * 256 * 256, { channels: 3, height: 256, width: 256 });
  assert.ok(rgb >= 1 && rgb < 64, `${rgb}`);
});
