// npm run bench:jobs [-- --quick] [--dist DIR] [--ring N] [--digits N]: asynchronous jobs
// (POST /v1/jobs) against synchronous requests (POST /v1/samples) for the same number of samples, through
// the dry-run bundle in Miniflare with the jobs' Durable Object and R2 bucket, and the reference OIP
// provider serving models/digits/model.onnx. Per model: wall-clock from submission to success, samples
// per second, rounds, chunks, R2 bytes, and the result's download; the synchronous side is one request
// per 4,096 samples (the per-request bound), one after the other, each its own seed (a request cannot ask
// for chains past its num_samples), and the job's first chunk is checked byte for byte against the
// synchronous request with the job's seed. Writes bench/results/jobs.md (--quick: .cache/bench/). Not a test.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import type { Miniflare } from "miniflare";
import { MAX_NUM_SAMPLES } from "../../src/api/limits.ts";
import { JOBS_BINDINGS, startBundle } from "../../tools/fixtures/bundle.ts";
import { digitsEntry, startDigitsProvider } from "../../tools/fixtures/learned.ts";
import type { Provider } from "../../tools/provider/server.ts";
import { fmt } from "../harness.ts";

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    dist: { type: "string", default: "dist" },
    ring: { type: "string" },
    digits: { type: "string" },
  },
});
const RING_N = Number(args.ring ?? (args.quick ? 20_000 : 100_000));
const DIGITS_N = Number(args.digits ?? (args.quick ? 2_000 : 10_000));
const ORIGIN = "http://worker.test";
const SEED = 2026;

const log = (line: string) => console.log(line);

const startWorker = (distDir: string, MODELS: string): Miniflare => startBundle(distDir, { MODELS }, JOBS_BINDINGS);

interface JobStatus {
  status: string;
  progress: { chains_done: number; chunks_done: number; chunk_chains: number; rounds: number };
  stats: { rounds: number; target_rows: number; acceptance: number | null };
  error: { code: string; message: string } | null;
  result: { bytes: number } | null;
}

interface Row {
  model: string;
  n: number;
  jobMs: number;
  chunks: number;
  chunkChains: number;
  jobRounds: number;
  acceptance: number | null;
  r2Parts: number;
  r2Bytes: number;
  resultBytes: number;
  downloadMs: number;
  syncMs: number;
  syncRequests: number;
  syncRounds: number;
  firstChunkEqual: boolean;
}

const measure = async (mf: Miniflare, model: string, n: number): Promise<Row> => {
  const call = (path: string, init?: RequestInit) => mf.dispatchFetch(`${ORIGIN}${path}`, init as never) as unknown as Promise<Response>;
  const post = (path: string, body: unknown) => call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  // A job: submitted, polled every 250 ms until it finishes.
  const runJob = async (count: number, seed: number, quiet = false): Promise<{ id: string; s: JobStatus }> => {
    const started = performance.now();
    const submitted = await post("/v1/jobs", { model, num_samples: count, seed });
    if (submitted.status !== 202) throw new Error(`${model}: submit answered ${submitted.status} ${await submitted.text()}`);
    const { id } = (await submitted.json()) as { id: string };
    let s: JobStatus;
    let lastLog = performance.now();
    for (;;) {
      s = (await (await call(`/v1/jobs/${id}`)).json()) as JobStatus;
      if (s.status === "succeeded" || s.status === "failed" || s.status === "cancelled") break;
      if (!quiet && performance.now() - lastLog > 10_000) {
        lastLog = performance.now();
        log(`  ${model}: ${s.status}, ${s.progress.chains_done} of ${count} chains, ${s.progress.chunks_done} chunks of ${s.progress.chunk_chains}, ${fmt((performance.now() - started) / 1000, 1)} s`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    if (s.status !== "succeeded") throw new Error(`${model}: job ${s.status}: ${JSON.stringify(s.error)}`);
    return { id, s };
  };
  // Warm-up, not timed: a small job and a small request (isolate, JIT, the provider's metadata and ONNX session).
  await runJob(64, 1, true);
  await (await post("/v1/samples", { model, num_samples: 64, seed: 1, output: "npy" })).arrayBuffer();

  const started = performance.now();
  const { id, s } = await runJob(n, SEED);
  const jobMs = performance.now() - started;
  const dl = performance.now();
  const result = new Uint8Array(await (await call(`/v1/jobs/${id}/result?format=npy`)).arrayBuffer());
  const downloadMs = performance.now() - dl;
  const bucket = await mf.getR2Bucket("JOB_RESULTS");
  let r2Bytes = 0, r2Parts = 0, cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix: `jobs/${id}/`, cursor });
    for (const o of page.objects) {
      r2Bytes += o.size;
      if (o.key.includes("/parts/")) r2Parts++;
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  log(`  ${model}: job ${fmt(jobMs / 1000, 1)} s, ${s.progress.chunks_done} chunks of ${s.progress.chunk_chains}, ${s.stats.rounds} rounds; result ${result.byteLength} bytes in ${fmt(downloadMs, 0)} ms`);

  // The same number of samples synchronously: one request per 4,096, one after the other.
  const syncStarted = performance.now();
  let syncRounds = 0, requests = 0, firstChunkEqual = false;
  for (let done = 0; done < n; done += MAX_NUM_SAMPLES, requests++) {
    const count = Math.min(MAX_NUM_SAMPLES, n - done);
    const res = await post("/v1/samples", { model, num_samples: count, seed: SEED + requests, output: "npy" });
    const bytes = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${model}: sync answered ${res.status} ${new TextDecoder().decode(bytes)}`);
    syncRounds += (JSON.parse(res.headers.get("x-stats") ?? "{}") as { rounds: number }).rounds;
    if (requests === 0) {
      // The job's chains [0, count) are this request's samples: compare the values (the headers' shapes differ).
      const data = bytes.subarray(headerLength(bytes));
      const at = headerLength(result);
      firstChunkEqual = Buffer.from(data).equals(Buffer.from(result.subarray(at, at + data.byteLength)));
    }
  }
  const syncMs = performance.now() - syncStarted;
  log(`  ${model}: sync ${requests} requests in ${fmt(syncMs / 1000, 1)} s, ${syncRounds} rounds; first chunk equal: ${firstChunkEqual}`);
  return {
    model, n, jobMs, chunks: s.progress.chunks_done, chunkChains: s.progress.chunk_chains, jobRounds: s.stats.rounds, acceptance: s.stats.acceptance,
    r2Parts, r2Bytes, resultBytes: result.byteLength, downloadMs, syncMs, syncRequests: requests, syncRounds, firstChunkEqual,
  };
};

/** Bytes before an npy file's data: magic (6), version (2), header length (2), header. */
const headerLength = (npy: Uint8Array): number => 10 + new DataView(npy.buffer, npy.byteOffset).getUint16(8, true);

const main = async () => {
  const started = performance.now();
  let provider: Provider | undefined;
  let mf: Miniflare | undefined;
  const rows: Row[] = [];
  try {
    provider = await startDigitsProvider();
    const entry = digitsEntry(provider.url);
    mf = startWorker(args.dist, JSON.stringify([entry]));
    log(`ring-2d: ${RING_N} samples`);
    rows.push(await measure(mf, "ring-2d", RING_N));
    log(`digits: ${DIGITS_N} samples`);
    rows.push(await measure(mf, "digits", DIGITS_N));
  } finally {
    await mf?.dispose();
    await provider?.close();
  }
  const minutes = (performance.now() - started) / 60000;
  const table = [
    "| model | samples | job wall s | job samples/s | chunks x chains | job rounds | acceptance | R2 parts | R2 bytes | result download ms | sync requests | sync wall s | sync samples/s | sync rounds | job / sync wall | first chunk = sync |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) =>
      `| ${r.model} | ${r.n.toLocaleString("en-US")} | ${fmt(r.jobMs / 1000, 1)} | ${fmt(r.n / (r.jobMs / 1000), 0)} | ${r.chunks} x ${r.chunkChains} | ${r.jobRounds} | ${r.acceptance === null ? "-" : fmt(r.acceptance, 3)} | ${r.r2Parts} | ${r.r2Bytes.toLocaleString("en-US")} | ${fmt(r.downloadMs, 0)} | ${r.syncRequests} | ${fmt(r.syncMs / 1000, 1)} | ${fmt(r.n / (r.syncMs / 1000), 0)} | ${r.syncRounds} | ${fmt(r.jobMs / r.syncMs, 2)} | ${r.firstChunkEqual ? "yes" : "NO"} |`),
  ].join("\n");
  const md = [
    "# Asynchronous jobs against synchronous requests",
    `npm run bench:jobs${args.quick ? " -- --quick" : ""}; ${minutes.toFixed(1)} min on this shared 2-core machine. The dry-run bundle in Miniflare (workerd) with the JOBS Durable Object ` +
      "(SQLite storage) and the JOB_RESULTS R2 bucket in memory; digits through the reference OIP provider (models/digits/model.onnx on CPU, onnxruntime-node, no added latency), " +
      "the committed `digits` entry (max_rows_per_call 1024). Each job with the default chunking (the largest chunk the per-request limits admit), " +
      "polled every 250 ms; job wall-clock from submission to the poll that saw it succeed, after an untimed warm-up (a 64-sample job and request per model). " +
      "Sync: one POST /v1/samples per 4,096 samples (the per-request bound), sequentially, seeds 2026, 2027, ... (a request cannot ask for chains past its num_samples, so only the first request's samples are the job's: " +
      "its bytes are compared with the job's chains [0, 4096)). R2 bytes: the job's parts (float32) and its request.json. Rounds: batched denoiser calls summed over chunks or requests. " +
      "The machine is shared with other work: timings have varied up to 2x between runs, so compare the job with the synchronous requests of the same run.",
    table,
  ].join("\n\n");
  const out = args.quick ? ".cache/bench/jobs-quick.md" : "bench/results/jobs.md";
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${md}\n`);
  log(`\n${table}\n\ntables: ${out}`);
};

await main();
