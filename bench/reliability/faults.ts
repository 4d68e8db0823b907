// Provider faults under load: the reference provider injects each fault kind (on every infer call,
// then on one call in three), and requests for the remote model go at concurrency 8. Every answer must
// be 200 or a documented 502/504 code (in the status, or in a stream's error event): never a 500 or a hang.
import type { Miniflare } from "miniflare";
import { faultPlan, FAULT_KINDS, type Fault, type FaultKind } from "../../tools/provider/faults.ts";
import type { Provider } from "../../tools/provider/server.ts";
import { contractProblems, DOCUMENTED, histogram, label, pool, send, type Answer } from "./http.ts";
import { SAMPLES_PATH } from "./bodies.ts";

/** Per attempt timeout and the slow fault's delay: a slow answer always misses the attempt's timeout. */
export const FAULT_TIMEOUT_MS = 400;
const SLOW_MS = 1_000;
/** The deadline model: one slow (600 ms) answer fits the attempt timeout but two pass the 1 s deadline. */
export const DEADLINE_MS = 1_000;

/** MODELS entries for the fault provider: ring-faulty (short timeout, 2 retries) and ring-deadline. */
export const faultEntries = (url: string, scheduler: Record<string, unknown>) => {
  const settings = {
    base_url: url, model_name: "ring", inputs: { sample: "sample", timestep: "timestep" }, output: "model_output",
    max_rows_per_call: 64, timeout_ms: FAULT_TIMEOUT_MS, retry: { max_retries: 2, base_delay_ms: 1, max_delay_ms: 4 },
  };
  return [
    { id: "ring-faulty", provider: "oip", shape: [2], scheduler, settings },
    { id: "ring-deadline", provider: "oip", shape: [2], scheduler, limits: { deadline_ms: DEADLINE_MS }, settings: { ...settings, timeout_ms: 2_000 } },
  ];
};

// What each kind must give when it hits every call (after retries for the transient ones).
const EXPECTED: Record<string, string[]> = {
  drop: ["502 denoiser_unavailable"],
  "status-500": ["502 denoiser_unavailable"],
  "status-503": ["502 denoiser_unavailable"],
  "status-429": ["502 denoiser_unavailable"],
  "status-400": ["502 denoiser_rejected_request"],
  "status-401": ["502 denoiser_rejected_request"],
  slow: ["504 denoiser_timeout"],
  "wrong-shape": ["502 denoiser_bad_response"],
  "wrong-dtype": ["502 denoiser_bad_response"],
  nan: ["502 denoiser_bad_response"],
  "short-body": ["502 denoiser_bad_response"],
  "bad-header": ["502 denoiser_bad_response"],
  "slow (deadline)": ["504 deadline_exceeded"],
};

export interface FaultRow {
  kind: string;
  rate: string;
  requests: number;
  outcomes: string;
  p99ms: number;
  unexpected: number;
  problems: string[];
}

export interface FaultOptions {
  requests: number;
  concurrency: number;
  clientTimeoutMs: number;
}

// "200 sse-error CODE" (an error event after the stream's 200) as the status the code has elsewhere.
const asStatus = (l: string): string => {
  const m = /^200 sse-error (\S+)$/.exec(l);
  if (!m) return l;
  const status = Object.entries(DOCUMENTED).find(([, codes]) => codes.includes(m[1]))?.[0];
  return `${status ?? "?"} ${m[1]}`;
};

export async function faultSection(mf: Miniflare, p: Provider, o: FaultOptions, log: (s: string) => void): Promise<{ rows: FaultRow[]; problems: string[]; md: string }> {
  const rows: FaultRow[] = [];
  const cases: { kind: string; model: string; fault: Fault; every: number }[] = [];
  for (const every of [1, 3]) {
    for (const kind of FAULT_KINDS) cases.push({ kind, model: "ring-faulty", fault: { kind: kind as FaultKind, ms: kind === "slow" ? SLOW_MS : undefined }, every });
    cases.push({ kind: "slow (deadline)", model: "ring-deadline", fault: { kind: "slow", ms: 600 }, every });
  }
  for (const c of cases) {
    p.setFaults(faultPlan({}, { n: c.every, fault: c.fault }));
    p.resetStats();
    // Half the requests streamed: a fault after the stream started must arrive as an error event.
    const answers: Answer[] = await pool(o.requests, o.concurrency, (i) =>
      send(mf, SAMPLES_PATH, {
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: c.model, num_samples: 8, steps: 20, method: "block", draft: { window: 4 }, seed: 1000 + i, ...(i % 2 ? { stream: true } : {}) }),
      }, o.clientTimeoutMs));
    const labels = answers.map(label);
    const problems = answers.flatMap((a, i) => contractProblems(a).map((x) => `${c.kind} 1/${c.every} request ${i}${i % 2 ? " (stream)" : ""}: ${x}`));
    // Every call faulted: only the documented code for the kind; one call in three: those or a success.
    const allowed = [...EXPECTED[c.kind], ...(c.every > 1 ? ["200"] : [])];
    // A stream reports the error in-band after its 200 header.
    const unexpected = labels.filter((l) => !allowed.includes(asStatus(l))).length;
    for (const l of new Set(labels.filter((l) => l === "500" || l.startsWith("500 ") || l === "hang"))) problems.push(`${c.kind}: ${l}`);
    const row: FaultRow = {
      kind: c.kind, rate: c.every === 1 ? "every call" : "1 call in 3", requests: answers.length,
      outcomes: histogram(labels).map(([l, n]) => `${n} x ${l}`).join(", "),
      p99ms: Math.max(...answers.map((a) => a.ms)), unexpected, problems,
    };
    rows.push(row);
    log(`fault ${c.kind} (${row.rate}): ${row.outcomes}${unexpected ? `; ${unexpected} unexpected` : ""}`);
  }
  p.setFaults(() => undefined);
  const problems = rows.flatMap((r) => r.problems);
  const md = [
    `Model \`ring-faulty\`: OIP entry on the reference provider, timeout_ms ${FAULT_TIMEOUT_MS}, retry max_retries 2 (1 to 4 ms backoff); the slow fault answers after ${SLOW_MS} ms. ` +
      `\`ring-deadline\`: same provider, timeout_ms 2000, limits.deadline_ms ${DEADLINE_MS}, slow answers after 600 ms. ` +
      `${o.requests} requests per row at concurrency ${o.concurrency} (8 samples, 20 steps, block, L = 4; odd ones streamed, whose errors arrive as \`event: error\` after a 200), client-side bound ${o.clientTimeoutMs / 1000} s.`,
    "",
    "| fault | injected on | requests | outcomes (status code; `sse-error` = in-band) | slowest ms | outside the expected codes |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.kind} | ${r.rate} | ${r.requests} | ${r.outcomes} | ${r.p99ms.toFixed(0)} | ${r.unexpected} |`),
  ].join("\n");
  return { rows, problems, md };
}
