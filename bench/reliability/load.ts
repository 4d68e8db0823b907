// Load: a small embedded request and a mixed load (models, methods, formats) at several concurrencies
// against the bundle in Miniflare. Every answer is checked against the same request answered serially:
// the same seed gives the same bytes (JSON: samples, seed and stats; SSE: the result event's; npy/png:
// the body, the seed and X-Stats less its timing).
import type { Miniflare } from "miniflare";
import { fmt, histogram, label, percentile, pool, rng, send, sseEvents, utf8, type Answer } from "./http.ts";
import { inlineMixture, SAMPLES_PATH } from "./bodies.ts";

export interface LoadOptions {
  concurrencies: number[];
  /** Requests per concurrency: max(minRequests, perSlot x concurrency). */
  minRequests: number;
  perSlot: number;
  mixedMin: number;
  mixedPerSlot: number;
  timeoutMs: number;
}

interface Kind {
  name: string;
  body: Record<string, unknown>;
}

export const SMALL: Kind = { name: "ring-2d 16 x 50 block json", body: { model: "ring-2d", num_samples: 16, steps: 50, method: "block", seed: 7 } };

/** The mixed load: several models, methods, draft options and every format. */
export const mixedKinds = (remote: string): Kind[] => [
  { name: "ring-2d 64x100 block json", body: { model: "ring-2d", num_samples: 64, steps: 100, method: "block", seed: 11 } },
  { name: "ring-2d 256x50 sequential npy", body: { model: "ring-2d", num_samples: 256, steps: 50, method: "sequential", output: "npy", seed: 12 } },
  { name: "gmm-512 8x50 token json", body: { model: "gmm-512", num_samples: 8, steps: 50, method: "token", seed: 13 } },
  { name: "gmm-512 16x30 block npy", body: { model: "gmm-512", num_samples: 16, steps: 30, method: "block", draft: { window: 4 }, output: "npy", seed: 14 } },
  { name: "glyphs 16x50 block png", body: { model: "glyphs", num_samples: 16, steps: 50, method: "block", output: "png", seed: 15 } },
  { name: "glyphs 4x100 token stream", body: { model: "glyphs", num_samples: 4, steps: 100, method: "token", stream: true, seed: 16 } },
  { name: "ring-2d 8x200 frozen-target stream", body: { model: "ring-2d", num_samples: 8, steps: 200, method: "block", draft: { type: "frozen-target", window: 4 }, stream: true, seed: 17 } },
  { name: "inline gmm 3x8 block json", body: { model: inlineMixture(3, 8), num_samples: 32, steps: 50, method: "block", seed: 18 } },
  { name: "glyphs 9x50 ddim sequential npy", body: { model: "glyphs", num_samples: 9, steps: 50, method: "sequential", scheduler: { type: "ddim", eta: 0.5 }, output: "npy", seed: 19 } },
  { name: "inline [3,4,4] 16x40 token png", body: { model: inlineMixture(2, 48, [3, 4, 4]), num_samples: 16, steps: 40, method: "token", output: "png", seed: 20 } },
  { name: `${remote} (OIP) 16x50 block json`, body: { model: remote, num_samples: 16, steps: 50, method: "block", seed: 21 } },
  { name: `${remote} (OIP) 8x30 sequential stream`, body: { model: remote, num_samples: 8, steps: 30, method: "sequential", stream: true, seed: 22 } },
  { name: "rgb-256 1x10 sequential npy", body: { model: "rgb-256", num_samples: 1, steps: 10, method: "sequential", output: "npy", seed: 23 } },
];

/** What must be identical between two answers to the same request with the same seed. */
export function answerKey(a: Answer): string {
  if (a.status !== 200) return `status ${a.status}`;
  const type = a.headers.get("content-type") ?? "";
  if (type.includes("event-stream")) {
    const result = sseEvents(utf8.decode(a.bytes)).find((e) => e.event === "result");
    if (!result) return "no result event";
    const r = JSON.parse(result.data) as Record<string, unknown>;
    return JSON.stringify({ samples: r.samples, stats: r.stats, seed: r.seed });
  }
  if (type.includes("json")) {
    const r = JSON.parse(utf8.decode(a.bytes)) as Record<string, unknown>;
    return JSON.stringify({ samples: r.samples, stats: r.stats, seed: r.seed });
  }
  const stats = JSON.parse(a.headers.get("x-stats") ?? "{}") as Record<string, unknown>;
  for (const k of Object.keys(stats)) if (k.endsWith("_ms")) delete stats[k];
  return `${type} ${a.headers.get("x-seed")} ${JSON.stringify(stats)} ${Buffer.from(a.bytes).toString("base64")}`;
}

export interface LoadRow {
  load: string;
  concurrency: number;
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: string;
  mismatches: number;
  problems: string[];
}

const post = (mf: Miniflare, body: Record<string, unknown>, timeoutMs: number) =>
  send(mf, SAMPLES_PATH, { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, timeoutMs);

async function run(mf: Miniflare, name: string, kinds: Kind[], refs: string[], concurrency: number, requests: number, timeoutMs: number, seed: number): Promise<LoadRow> {
  const r = rng(seed);
  const order = Array.from({ length: requests }, (_, i) => (kinds.length === 1 ? 0 : i < kinds.length ? i : r.int(0, kinds.length - 1)));
  const started = performance.now();
  const answers = await pool(requests, concurrency, async (i) => ({ kind: order[i], a: await post(mf, kinds[order[i]].body, timeoutMs) }));
  const seconds = (performance.now() - started) / 1000;
  const ms = answers.map((x) => x.a.ms);
  const bad = answers.filter((x) => x.a.status < 200 || x.a.status > 299);
  const problems: string[] = [];
  let mismatches = 0;
  for (const { kind, a } of answers) {
    if (a.status !== 200) {
      if (a.status === 500 || a.hung || a.failed !== null) problems.push(`${kinds[kind].name}: ${label(a)}`);
      continue;
    }
    if (answerKey(a) !== refs[kind]) {
      mismatches++;
      if (mismatches <= 5) problems.push(`${kinds[kind].name}: answer differs from the serial one`);
    }
  }
  return {
    load: name, concurrency, requests, seconds, rps: requests / seconds,
    p50: percentile(ms, 50), p99: percentile(ms, 99), max: Math.max(...ms),
    non2xx: histogram(bad.map((x) => label(x.a))).map(([l, n]) => `${n} x ${l}`).join(", ") || "0",
    mismatches, problems,
  };
}

/** Serial reference answers, each asked twice (the two must agree: determinism without concurrency). */
async function references(mf: Miniflare, kinds: Kind[], timeoutMs: number): Promise<{ refs: string[]; problems: string[] }> {
  const refs: string[] = [];
  const problems: string[] = [];
  for (const k of kinds) {
    const a = await post(mf, k.body, timeoutMs);
    const b = await post(mf, k.body, timeoutMs);
    if (a.status !== 200) problems.push(`serial reference ${k.name}: ${label(a)}`);
    if (answerKey(a) !== answerKey(b)) problems.push(`serial reference ${k.name}: two serial answers differ`);
    refs.push(answerKey(a));
  }
  return { refs, problems };
}

export async function loadSection(mf: Miniflare, remote: string, o: LoadOptions, log: (s: string) => void): Promise<{ rows: LoadRow[]; problems: string[]; md: string }> {
  const rows: LoadRow[] = [];
  const problems: string[] = [];
  const mixed = mixedKinds(remote);
  const small = await references(mf, [SMALL], o.timeoutMs);
  const mix = await references(mf, mixed, o.timeoutMs);
  problems.push(...small.problems, ...mix.problems);
  for (const c of o.concurrencies) {
    const row = await run(mf, "small", [SMALL], small.refs, c, Math.max(o.minRequests, o.perSlot * c), o.timeoutMs, 100 + c);
    rows.push(row);
    log(`load small c=${c}: ${row.requests} req, ${fmt(row.rps)} req/s, p50 ${fmt(row.p50, 0)} ms, p99 ${fmt(row.p99, 0)} ms, non-2xx ${row.non2xx}, mismatches ${row.mismatches}`);
  }
  for (const c of o.concurrencies) {
    const row = await run(mf, "mixed", mixed, mix.refs, c, Math.max(o.mixedMin, o.mixedPerSlot * c), o.timeoutMs, 200 + c);
    rows.push(row);
    log(`load mixed c=${c}: ${row.requests} req, ${fmt(row.rps)} req/s, p50 ${fmt(row.p50, 0)} ms, p99 ${fmt(row.p99, 0)} ms, non-2xx ${row.non2xx}, mismatches ${row.mismatches}`);
  }
  for (const r of rows) problems.push(...r.problems.map((p) => `load ${r.load} c=${r.concurrency}: ${p}`));
  const md = [
    `Small request: \`${JSON.stringify(SMALL.body)}\`.`,
    "",
    `Mixed load: ${mixed.length} requests drawn in a seeded order (each at least once per run): ${mixed.map((k) => k.name).join("; ")}.`,
    "Each answer is compared with the same request answered serially (JSON and SSE result: samples, seed, stats; npy/png: body, X-Seed, X-Stats without timing).",
    "",
    "| load | concurrency | requests | req/s | p50 ms | p99 ms | max ms | non-2xx | differs from serial |",
    "|---|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.load} | ${r.concurrency} | ${r.requests} | ${fmt(r.rps)} | ${fmt(r.p50, 0)} | ${fmt(r.p99, 0)} | ${fmt(r.max, 0)} | ${r.non2xx} | ${r.mismatches} |`),
  ].join("\n");
  return { rows, problems, md };
}
