// The deploy bundle under Miniflare with the jobs' bindings as wrangler.toml declares them: the JOBS
// Durable Object (SQLite storage) and the JOB_RESULTS R2 bucket, persisted under `persist` when given
// (so that a second instance on the same folder is a restart of the same deployment).
import type { Miniflare } from "miniflare";
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { JOBS_BINDINGS, startBundle } from "../../tools/fixtures/bundle.ts";

// JOBS_TEST_DIST: another bundle folder (while other work rebuilds dist/); npm test uses dist/.
const dist = resolve(process.env.JOBS_TEST_DIST ?? fileURLToPath(new URL("../../dist/", import.meta.url))) + "/";

export const ORIGIN = "http://worker.test";
export const WEBHOOK_SECRET = "whsec-test-0123456789";

export interface JobsWorkerOptions {
  bindings?: Record<string, string>;
  /** Folder of the Durable Object and R2 state; in memory when absent. */
  persist?: string;
  /** Leave the jobs' bindings out (the 503 jobs_unavailable case). */
  noJobs?: boolean;
}

export const startJobsWorker = (opts: JobsWorkerOptions = {}): Miniflare =>
  startBundle(
    dist,
    // Short retry waits (JOBS_RETRY_BASE_MS), and the webhook key.
    { JOBS_RETRY_BASE_MS: "20", WEBHOOK_SECRET, ...opts.bindings },
    { ...(opts.noJobs ? {} : JOBS_BINDINGS), ...(opts.persist ? { resourcePersistencePath: opts.persist } : {}) },
  );

// One jobs Worker per describe(): started in its before(), disposed in its after(). `f` is a client of it
// without a token, usable as soon as before() has run; `mf()` is the Worker itself.
export function jobsWorkerPerSuite(opts: JobsWorkerOptions = {}): { mf: () => Miniflare; f: Fetch } {
  let mf: Miniflare | undefined;
  let f: Fetch | undefined;
  before(() => {
    mf = startJobsWorker(opts);
    f = client(mf);
  });
  after(() => mf?.dispose());
  return { mf: () => mf!, f: (path, init) => f!(path, init) };
}

export type Fetch = (path: string, init?: RequestInit) => Promise<Response>;

export const client = (mf: Miniflare, token?: string): Fetch =>
  (path, init = {}) =>
    mf.dispatchFetch(`${ORIGIN}${path}`, {
      ...init,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers as Record<string, string> | undefined) },
    } as never) as unknown as Promise<Response>;

export const postJson = (f: Fetch, path: string, body: unknown, headers: Record<string, string> = {}) =>
  f(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

export interface JobStatus {
  id: string;
  status: string;
  num_samples: number;
  shape: number[];
  seed: number;
  progress: { chains_done: number; chains_total: number; chunks_done: number; chunk_chains: number; rounds: number; attempt: number; last_error: { code: string; message: string } | null };
  stats: { method: string; steps: number; rounds: number; target_rows: number; speedup: number; acceptance: number | null };
  error: { code: string; message: string } | null;
  result: { bytes: number; npy: string; json: string | null; png: { pages: number; samples_per_page: number; first: string; template: string } | null } | null;
  webhook: { url: string; state: string; attempts: number; last_error: string | null } | null;
}

/** Submits a job; asserts 202 and returns its id. */
export const submit = async (f: Fetch, body: unknown, headers: Record<string, string> = {}): Promise<string> => {
  const res = await postJson(f, "/v1/jobs", body, headers);
  const text = await res.text();
  assert.equal(res.status, 202, text);
  return (JSON.parse(text) as { id: string }).id;
};

export const status = async (f: Fetch, id: string): Promise<JobStatus> => {
  const res = await f(`/v1/jobs/${id}`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as JobStatus;
};

/** Polls until `until` holds (default: the job finished), failing after `timeoutMs`. */
export const waitFor = async (f: Fetch, id: string, until: (s: JobStatus) => boolean = (s) => ["succeeded", "failed", "cancelled"].includes(s.status), timeoutMs = 30_000): Promise<JobStatus> => {
  const started = Date.now();
  for (;;) {
    const s = await status(f, id);
    if (until(s)) return s;
    if (Date.now() - started > timeoutMs) assert.fail(`job ${id} still ${s.status} after ${timeoutMs} ms: ${JSON.stringify(s.progress)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

export const bytesOf = async (res: Response): Promise<Uint8Array> => new Uint8Array(await res.arrayBuffer());

/** The synchronous answer's bytes for the same body (npy unless the body says otherwise). */
export const syncBytes = async (f: Fetch, body: Record<string, unknown>): Promise<Uint8Array> => {
  const res = await postJson(f, "/v1/samples", body);
  assert.equal(res.status, 200, res.status === 200 ? "" : await res.clone().text());
  return bytesOf(res);
};

export const resultBytes = async (f: Fetch, id: string, query = ""): Promise<{ res: Response; bytes: Uint8Array }> => {
  const res = await f(`/v1/jobs/${id}/result${query}`);
  const bytes = await bytesOf(res);
  assert.equal(res.status, 200, new TextDecoder().decode(bytes.subarray(0, 500)));
  return { res, bytes };
};

export interface Received {
  body: string;
  headers: IncomingMessage["headers"];
}

/** A local webhook receiver: answers each POST with the next of `statuses` (then 200), records them all. */
export const startReceiver = async (statuses: number[] = []): Promise<{ url: string; received: Received[]; close(): Promise<void> }> => {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ body: Buffer.concat(chunks).toString("utf8"), headers: req.headers });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
};

/** The receiver's check, as docs/jobs.md shows it: HMAC-SHA256 of `${timestamp}.${body}`, compared in constant time. */
export const verifySignature = (secret: string, r: Received): boolean => {
  const timestamp = String(r.headers["x-signature-timestamp"] ?? "");
  const given = String(r.headers["x-signature"] ?? "");
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${r.body}`).digest("hex")}`;
  return given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));
};
