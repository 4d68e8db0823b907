// The requests of issue 10's findings, each in its own Node process under a 128 MB heap
// (--max-old-space-size=128) building the Worker's app: status and code now, CPU ms, peak RSS and heap,
// and whether the process survived. Providers (faulty, echoing) run here, in the parent, on 127.0.0.1.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { faultPlan, type FaultKind } from "../../tools/provider/faults.ts";
import type { Provider } from "../../tools/provider/server.ts";
import type { ProbeResult, ProbeSpec } from "./probe.ts";

const PROBE = fileURLToPath(new URL("./probe.ts", import.meta.url));

export interface Finding {
  name: string;
  spec: ProbeSpec;
  /** Fault the fault provider injects on every infer call during this probe. */
  fault?: FaultKind;
}

export interface FindingRow {
  finding: Finding;
  result: ProbeResult | null;
  exit: number | null;
  signal: string | null;
  killed: boolean;
  stderrTail: string;
  wallMs: number;
}

export interface FindingEnv {
  /** MODELS with ring-faulty (fault provider) and the echo entries. */
  models: string;
  secrets: { bearer: string; key: string };
}

export const findings = (env: FindingEnv, quick: boolean): Finding[] => {
  const remoteEnv = { MODELS: env.models, PROVIDER_TOKEN: env.secrets.bearer, PROVIDER_KEY: env.secrets.key };
  const secrets = [env.secrets.bearer, env.secrets.key];
  const all: Finding[] = [
    { name: "ring-2d, 1 sample, 100,000 steps sequential (squaredcos, 100,000 train steps), streamed", spec: { recipe: "long-stream" } },
    { name: "the same, not streamed (JSON)", spec: { recipe: "long-json" } },
    { name: "inline mixture of 4,096 values (1 x 4,096), same settings, streamed", spec: { recipe: "inline-4096-long-stream" } },
    { name: "glyphs, 16 samples, 1,000 steps sequential, streamed, read slowly (2 s unread, then a chunk per 50 ms)", spec: { recipe: "glyphs-slow-reader", read: "slow", pauseMs: 2_000, slowMs: 50 } },
    { name: "5 MiB body of nested arrays, 2.6 M levels deep", spec: { recipe: "nested-5mb-deep" } },
    { name: "5 MiB body of arrays two deep ([[]], 1 M of them)", spec: { recipe: "nested-5mb-wide" } },
    { name: "10 MiB array inside scheduler (trained_betas)", spec: { recipe: "scheduler-10mb-array" } },
    { name: "scheduler with an unread key holding 1,100,000 numbers (2.1 MiB, within body_numbers)", spec: { recipe: "scheduler-2mb-unknown-key" } },
    { name: "PNG of 4,096 samples of a [3,1,1] inline model", spec: { recipe: "png-4096-of-3x1x1" } },
    { name: "largest inline mixture admitted: 16 x 65,536 means (1,048,576 values, 6 MiB body)", spec: { recipe: "largest-inline-mixture" } },
    { name: "largest inline mixture admitted: 1,024 x 1,024 means", spec: { recipe: "largest-inline-mixture-1024x1024" } },
    { name: "largest JSON answer admitted: gmm-512 x 512 samples (262,144 values)", spec: { recipe: "largest-json-answer" } },
    { name: "num_train_timesteps 20,000 on ring-2d (linear betas)", spec: { recipe: "train-20000-ring" } },
    { name: "num_train_timesteps 100,000 on glyphs (linear betas)", spec: { recipe: "train-100000-glyphs" } },
    { name: "num_train_timesteps 20,000 on glyphs (squaredcos)", spec: { recipe: "train-20000-cos-glyphs" } },
    { name: "num_train_timesteps 100,000 on gmm-512 (squaredcos)", spec: { recipe: "train-100000-cos-gmm512" } },
    { name: "provider echoing headers into the input name (Bearer secret): token in the answer?", spec: { recipe: "remote", args: { model: "echo-meta-name-token" }, env: remoteEnv, secrets } },
    { name: "provider echoing headers into the output dtype (x-api-key secret), streamed: token in the answer?", spec: { recipe: "remote", args: { model: "echo-key-infer-dtype-token", stream: true }, env: remoteEnv, secrets } },
    { name: "provider answering 400 with the request headers (Bearer secret): token in the answer?", spec: { recipe: "remote", args: { model: "echo-infer-400-headers" }, env: remoteEnv, secrets } },
    { name: "10 MiB model id", spec: { recipe: "model-id-10mb" } },
    { name: "8 MiB model id (under body_bytes)", spec: { recipe: "model-id-8mb" } },
    { name: "GET /v1/samples", spec: { recipe: "wrong-method-get" } },
    { name: "PUT /v1/samples with a JSON body", spec: { recipe: "wrong-method-put" } },
    { name: "remote model, provider answers 503 on every call (retries exhausted)", fault: "status-503", spec: { recipe: "remote", args: { model: "ring-faulty" }, env: remoteEnv } },
    { name: "remote model, provider answers 429 on every call (retries exhausted)", fault: "status-429", spec: { recipe: "remote", args: { model: "ring-faulty" }, env: remoteEnv } },
    { name: "remote model, provider drops every connection (retries exhausted), streamed", fault: "drop", spec: { recipe: "remote", args: { model: "ring-faulty", stream: true }, env: remoteEnv } },
  ];
  // A smoke run keeps the cheap ones and one of each kind of long one.
  return quick ? all.filter((f) => !/100,000 steps|4,096 values|slowly|1,024 x 1,024|100,000 on gmm/.test(f.name)) : all;
};

/** Runs one probe in a child process under a 128 MB heap, killed after `limitMs`. */
export function runProbe(f: Finding, limitMs: number): Promise<FindingRow> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--max-old-space-size=128", "--expose-gc", PROBE, JSON.stringify({ timeoutMs: limitMs - 5_000, ...f.spec })], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "", stderr = "";
    child.stdout.on("data", (d: Buffer) => void (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill("SIGKILL");
    }, limitMs);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith("PROBE "));
      resolve({
        finding: f, result: line ? (JSON.parse(line.slice(6)) as ProbeResult) : null, exit: code, signal, killed,
        stderrTail: stderr.split("\n").filter((l) => l.trim() && !/ExperimentalWarning|--trace-warnings/.test(l)).slice(-3).join(" | ").slice(0, 300),
        wallMs: performance.now() - started,
      });
    });
  });
}

const MiB = (x: number) => x.toFixed(0);

export async function findingsSection(env: FindingEnv, faulty: Provider, quick: boolean, log: (s: string) => void): Promise<{ rows: FindingRow[]; problems: string[]; md: string }> {
  const rows: FindingRow[] = [];
  const problems: string[] = [];
  for (const f of findings(env, quick)) {
    faulty.setFaults(f.fault ? faultPlan({}, { n: 1, fault: f.fault }) : () => undefined);
    const row = await runProbe(f, 90_000);
    rows.push(row);
    const r = row.result;
    const outcome = r ? `${r.status}${r.code ? ` ${r.code}` : ""}${r.streamError ? ` (stream error ${r.streamError})` : ""}` : `no result (exit ${row.exit}, signal ${row.signal}${row.killed ? ", killed after the bound" : ""})`;
    log(`finding: ${f.name}: ${outcome}${r ? `, cpu ${r.cpuMs.toFixed(0)} ms, peak rss ${MiB(r.peakRssMiB)} MiB, heap ${MiB(r.peakHeapMiB)} MiB` : ""}`);
    if (!r) problems.push(`finding "${f.name}": the process did not finish (exit ${row.exit}, signal ${row.signal}${row.killed ? ", killed after 90 s" : ""}): ${row.stderrTail}`);
    else {
      if (r.status >= 500 && ![502, 503, 504].includes(r.status)) problems.push(`finding "${f.name}": status ${r.status}`);
      if (r.timedOut) problems.push(`finding "${f.name}": no complete answer within the client bound`);
      if (r.leaked) problems.push(`finding "${f.name}": THE SECRET APPEARS IN THE ANSWER`);
    }
  }
  faulty.setFaults(() => undefined);
  const md = [
    "Each request in its own `node --max-old-space-size=128` process building the Worker's app (`createApp` with core.wasm from disk and the OIP provider), called with `app.request`. " +
      "CPU = process.cpuUsage() over the request (all threads, GC included); peak RSS = the larger of the sampled RSS and the kernel's high-water mark of the process (VmHWM, reset at the base); Node with the app loaded and the request body built idles at the base RSS shown; " +
      "peak heap = heapUsed sampled every 2 ms and at every chunk read. The base is after start-up and one warm-up request. Worker's estimate = the planner's peak-memory count for the request (requestBytes, what admission holds against the isolate's 96 MiB), for admitted requests.",
    "",
    "| request | status now | field / stream | CPU ms | wall ms | answer bytes | base / peak RSS MiB | base / peak heap MiB | Worker's estimate MiB | under 128 MB heap |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...rows.map(({ finding: f, result: r, exit, signal, killed }) => r
      ? `| ${f.name} | ${r.status}${r.code ? ` ${r.code}` : ""} | ${r.field ?? ""}${r.streamError ? `stream error ${r.streamError}` : ""}${r.events ? ` ${r.events} events` : ""}${r.backlogBytes !== null ? `; heap retained after 2 s unread: ${(r.backlogBytes / 2 ** 20).toFixed(2)} MiB` : ""}${r.leaked ? " **SECRET LEAKED**" : ""} | ${r.cpuMs.toFixed(0)} | ${r.wallMs.toFixed(0)} | ${r.bytes} | ${MiB(r.baseRssMiB)} / ${MiB(r.peakRssMiB)} | ${MiB(r.baseHeapMiB)} / ${MiB(r.peakHeapMiB)} | ${r.estimateMiB === null ? "-" : r.estimateMiB.toFixed(1)} | yes |`
      : `| ${f.name} | **no answer** | | | | | | | | **no** (exit ${exit}, ${signal ?? ""}${killed ? " killed after 90 s" : ""}) |`),
    "",
    "Error messages now (first 300 characters):",
    "",
    ...rows.filter((r) => r.result?.message).map((r) => `- ${r.finding.name}: ${r.result!.message!.replace(/\|/g, "\\|")}`),
  ].join("\n");
  return { rows, problems, md };
}
