// One finding's request in its own Node process (run under --max-old-space-size=128 by findings.ts):
// builds the same app as the Worker, sends the request with app.request, reads the answer (at once or
// slowly), and prints one JSON line: status, error code, CPU ms, peak RSS and heap, bytes read.
// Usage: node --max-old-space-size=128 bench/reliability/probe.ts '<json spec>'
import { readFileSync, writeFileSync } from "node:fs";
import { createApp } from "../../src/app.ts";
import { oipConfigOf, oipRemoteProvider } from "../../src/denoisers/oip/index.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import { findingRequest } from "./bodies.ts";

export interface ProbeSpec {
  recipe: string;
  args?: Record<string, unknown>;
  env?: Record<string, string>;
  /** "all": read the answer as fast as it comes; "slow": pause, then read a chunk every `slowMs`. */
  read?: "all" | "slow";
  pauseMs?: number;
  slowMs?: number;
  /** Client-side bound on the whole request (ms). */
  timeoutMs?: number;
  /** Strings that must not appear anywhere in the answer (status line, headers, body). */
  secrets?: string[];
}

export interface ProbeResult {
  status: number;
  code: string | null;
  field: string | null;
  message: string | null;
  /** A stream's in-band error event code, if any. */
  streamError: string | null;
  bytes: number;
  events: number;
  /** Heap retained (after a full GC) at the end of the slow reader's pause, over the base: what the server buffered unread. */
  backlogBytes: number | null;
  cpuMs: number;
  wallMs: number;
  baseRssMiB: number;
  peakRssMiB: number;
  baseHeapMiB: number;
  peakHeapMiB: number;
  /** The Worker's own peak-memory estimate for the request (what admission holds), when it plans. */
  estimateMiB: number | null;
  timedOut: boolean;
  leaked: boolean;
}

/** The memory the Worker's planner counts for this request (requestBytes), or null when it does not plan. */
async function admissionEstimate(req: { method: string; body?: string | Uint8Array; headers: Record<string, string> }, env: Record<string, string>): Promise<number | null> {
  if (req.method !== "POST" || typeof req.body !== "string") return null;
  try {
    const [{ SampleRequestSchema }, { loadModels }, { planRequest }, { oipConfigOf: check }] = await Promise.all([
      import("../../src/api/schemas/index.ts"), import("../../src/config/index.ts"), import("../../src/api/plan.ts"), import("../../src/denoisers/oip/index.ts"),
    ]);
    const parsed = SampleRequestSchema.safeParse(JSON.parse(req.body));
    if (!parsed.success) return null;
    return planRequest(parsed.data, loadModels(env.MODELS, { oip: check })).memoryBytes / MiB;
  } catch {
    return null;
  }
}

const MiB = 2 ** 20;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const main = async () => {
  const spec = JSON.parse(process.argv[2]) as ProbeSpec;
  const app = createApp({ coreModule: coreModule(), providers: { oip: oipRemoteProvider() }, settingsChecks: { oip: oipConfigOf } });
  const req = findingRequest(spec.recipe, spec.args);
  // Warm the app (routes, zod schemas, core compile) so the figures are the request's, not start-up's.
  await (await app.request("/v1/health", {}, spec.env ?? {})).arrayBuffer();
  global.gc?.();

  let peakRss = 0, peakHeap = 0;
  const sample = () => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  };
  // Reset the kernel's peak-RSS mark (VmHWM) so that it measures the request, not start-up (Linux >= 4.0).
  let hwmReset = false;
  try {
    writeFileSync("/proc/self/clear_refs", "5");
    hwmReset = true;
  } catch {
    // not Linux, or not allowed: the sampled RSS alone
  }
  const base = process.memoryUsage();
  const timer = setInterval(sample, 2);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const timeoutMs = spec.timeoutMs ?? 60_000;
  let timedOut = false;
  const deadline = setTimeout(() => (timedOut = true), timeoutMs);

  const res = await app.request(req.path, { method: req.method, headers: req.headers, body: req.body }, spec.env ?? {});
  sample();
  const chunks: Uint8Array[] = [];
  let bytes = 0, backlog: number | null = null;
  if (res.body) {
    const reader = res.body.getReader();
    const take = (r: ReadableStreamReadResult<Uint8Array>) => {
      if (r.done) return true;
      bytes += r.value.byteLength;
      // Keep text answers to inspect them; an image or array is only counted.
      if (chunks.length < 100_000) chunks.push(r.value);
      return false;
    };
    let finished = false;
    if (spec.read === "slow") {
      // Pause without reading: what the server holds for the client then is what it buffered. Measured as
      // the heap that survives a full GC at the end of the pause, over the base (the sampler's state included).
      await sleep(spec.pauseMs ?? 2000);
      sample();
      global.gc?.();
      backlog = process.memoryUsage().heapUsed - base.heapUsed;
    }
    while (!finished) {
      if (timedOut) {
        await reader.cancel().catch(() => undefined);
        break;
      }
      const r = await reader.read();
      sample();
      finished = take(r);
      if (!finished && spec.read === "slow") await sleep(spec.slowMs ?? 50);
    }
  }
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  clearInterval(timer);
  clearTimeout(deadline);
  sample();
  // The kernel's high-water mark of this process's memory (VmHWM; getrusage's maxRSS would carry the
  // parent's over from fork). Catches peaks between samples, e.g. inside one synchronous step.
  const peakKernel = (() => {
    try {
      const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
      return kb && hwmReset ? Number(kb) * 1024 : 0;
    } catch {
      return 0;
    }
  })();

  const type = res.headers.get("content-type") ?? "";
  const isText = /json|event-stream|text/.test(type);
  const text = isText ? Buffer.concat(chunks).toString("utf8") : "";
  let code: string | null = null, field: string | null = null, message: string | null = null, streamError: string | null = null;
  let events = 0;
  if (res.status >= 400 && type.includes("json")) {
    try {
      const e = (JSON.parse(text) as { error: { code: string; field?: string; message: string } }).error;
      code = e.code;
      field = e.field ?? null;
      message = e.message.slice(0, 300);
    } catch {
      code = "(unparsable)";
    }
  }
  if (type.includes("event-stream")) {
    for (const block of text.split("\n\n")) {
      if (!block.startsWith("event:")) continue;
      events++;
      if (block.startsWith("event: error")) {
        const data = block.slice(block.indexOf("data:") + 5);
        try {
          const e = (JSON.parse(data) as { error: { code: string; message: string } }).error;
          streamError = e.code;
          message = e.message.slice(0, 300);
        } catch {
          streamError = "(unparsable)";
        }
      }
    }
  }
  // A secret must appear nowhere: status text, any header, the body (text or bytes).
  const answerText = `${res.status} ${res.statusText}\n${[...res.headers].map(([k, v]) => `${k}: ${v}`).join("\n")}\n${isText ? text : Buffer.concat(chunks).toString("latin1")}`;
  const leaked = (spec.secrets ?? []).some((s) => answerText.includes(s));

  // After the measurement, and only for a request the Worker admitted: planning parses the body again
  // with JSON.parse, which a refused body (2.6 M levels deep) would crash in this 128 MB heap.
  const estimateMiB = res.status >= 200 && res.status < 300 ? await admissionEstimate(req, spec.env ?? {}) : null;
  const out: ProbeResult = {
    status: res.status, code, field, message, streamError, bytes, events, backlogBytes: backlog,
    cpuMs: (cpu.user + cpu.system) / 1000, wallMs,
    baseRssMiB: base.rss / MiB, peakRssMiB: Math.max(peakRss, peakKernel) / MiB,
    baseHeapMiB: base.heapUsed / MiB, peakHeapMiB: peakHeap / MiB,
    estimateMiB, timedOut, leaked,
  };
  process.stdout.write(`PROBE ${JSON.stringify(out)}\n`);
};

await main();
// Remote models keep pooled connections open; the result is out, so leave now.
process.exit(0);
