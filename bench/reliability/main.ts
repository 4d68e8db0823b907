// npm run bench:reliability [-- --quick] [--dist DIR]: a load, fault, fuzz and limits campaign against the
// Worker. The deploy bundle (dist/) runs in Miniflare (workerd) with the built-in models, a reference OIP
// provider, a faulty one and a header-echoing one, all on 127.0.0.1; issue 10's findings are re-measured
// in Node processes under a 128 MB heap. Writes bench/results/reliability.md (not with --quick) and prints it.
// Not a test: it exits 1 if an answer broke the contract (500, hang, undocumented code, leaked secret).
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { parseArgs } from "node:util";
import { ANALYTIC_SCHEDULER } from "../../src/config/index.ts";
import { builtinModel } from "../../src/models/index.ts";
import { startProvider } from "../../tools/provider/server.ts";
import { echoEntries, startEchoProvider } from "./echo-provider.ts";
import { faultEntries, faultSection } from "./faults.ts";
import { findingsSection } from "./findings.ts";
import { fuzzSection } from "./fuzz.ts";
import { loadSection } from "./load.ts";
import { secretsSection } from "./secrets.ts";
import { startLoggedBundle } from "./worker.ts";

const { values: args } = parseArgs({ options: { quick: { type: "boolean", default: false }, dist: { type: "string", default: "dist" } } });
const quick = args.quick;

// Fixed, recognisable credentials: nothing real, only what the echo provider must never get back out.
const SECRETS = { bearer: "rel-bearer-7f3a9c1e5b2d4f60a8e1c3d5", key: "rel-apikey-0c9e8d7b6a5f4e3d2c1b0a99" };
const REMOTE = "ring-remote";

const log = (s: string) => console.log(`[${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${s}`);
const t0 = performance.now();

const main = async () => {
  const loadBefore = loadavg()[0];
  const ring = builtinModel("ring-2d")!;
  const scheduler = { ...ANALYTIC_SCHEDULER };
  const good = await startProvider({ latencyMs: 2, models: [{ name: "ring", mixture: ring, scheduler }] });
  const faulty = await startProvider({ models: [{ name: "ring", mixture: ring, scheduler }] });
  const echo = await startEchoProvider([SECRETS.bearer, SECRETS.key]);
  const remoteEntry = {
    id: REMOTE, provider: "oip", shape: [2], scheduler,
    settings: { base_url: good.url, model_name: "ring", inputs: { sample: "sample", timestep: "timestep" }, output: "model_output", max_rows_per_call: 4096, timeout_ms: 10_000 },
  };
  const MODELS = JSON.stringify([remoteEntry, ...faultEntries(faulty.url, scheduler), ...echoEntries(echo.url, scheduler)]);
  // The Worker's log (provider errors, sanitised) is counted and searched for the credentials, not printed.
  const workerLog = { lines: 0, levels: new Map<string, number>(), leaks: [] as string[] };
  const mf = startLoggedBundle(args.dist, { MODELS, PROVIDER_TOKEN: SECRETS.bearer, PROVIDER_KEY: SECRETS.key }, (level, message) => {
    workerLog.lines++;
    workerLog.levels.set(level, (workerLog.levels.get(level) ?? 0) + 1);
    if ((message.includes(SECRETS.bearer) || message.includes(SECRETS.key)) && workerLog.leaks.length < 5) workerLog.leaks.push(message.slice(0, 300));
  });
  const problems: string[] = [];
  const sections: string[] = [];
  const timings: string[] = [];
  const timed = async <T>(name: string, f: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    const out = await f();
    timings.push(`${name} ${((performance.now() - s) / 1000).toFixed(0)} s`);
    return out;
  };
  try {
    await mf.ready;
    const load = await timed("load", () => loadSection(mf, REMOTE, quick
      ? { concurrencies: [1, 4, 16, 64], minRequests: 16, perSlot: 2, mixedMin: 16, mixedPerSlot: 1, timeoutMs: 60_000 }
      : { concurrencies: [1, 4, 16, 64], minRequests: 200, perSlot: 8, mixedMin: 100, mixedPerSlot: 4, timeoutMs: 60_000 }, log));
    problems.push(...load.problems);
    sections.push(`## Load\n\n${load.md}`);

    const faults = await timed("faults", () => faultSection(mf, faulty, { requests: quick ? 8 : 32, concurrency: 8, clientTimeoutMs: 20_000 }, log));
    problems.push(...faults.problems);
    sections.push(`## Provider faults under load\n\n${faults.md}`);

    const secrets = await timed("secrets", () => secretsSection(mf, echo, [SECRETS.bearer, SECRETS.key], 20_000, log));
    problems.push(...secrets.problems);
    sections.push(`## Secrets: a provider that echoes the request headers\n\n${secrets.md}`);

    const fuzz = await timed("fuzz", () => fuzzSection(mf, REMOTE, { count: quick ? 200 : 2_000, seed: 10, concurrency: 4, clientTimeoutMs: 40_000 }, log));
    problems.push(...fuzz.problems);
    sections.push(`## Fuzzer\n\n${fuzz.md}`);
  } finally {
    await mf.dispose();
  }
  const logLevels = [...workerLog.levels].map(([l, n]) => `${n} ${l}`).join(", ") || "none";
  sections.push(`## The Worker's log\n\n${workerLog.lines} lines (${logLevels}) during the sections above; ${workerLog.leaks.length ? `**the credential appears in the log**: ${workerLog.leaks.map((l) => `\`${l}\``).join("; ")}` : "the credentials appear in none (the echoed error bodies are logged sanitised)"}.`);
  for (const l of workerLog.leaks) problems.push(`secret in the Worker's log: ${l}`);
  // The Worker is gone: the probes have both cores. The faulty and echo providers stay up for them.
  try {
    const found = await timed("findings", () => findingsSection({ models: MODELS, secrets: SECRETS }, faulty, quick, log));
    problems.push(...found.problems);
    sections.push(`## Issue 10's findings, now (Node, 128 MB heap)\n\n${found.md}`);
  } finally {
    await Promise.all([good.close(), faulty.close(), echo.close()]);
  }

  const total = (performance.now() - t0) / 1000;
  const head = [
    "# Reliability: load, faults, fuzz and limits",
    "",
    `\`npm run bench:reliability\`${quick ? " --quick" : ""} on this machine (${cpus().length} CPUs, Node ${process.version}); ${total.toFixed(0)} s in all (${timings.join(", ")}). ` +
      `Load average ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (a shared machine: throughput and latency move with what else runs; the correctness checks do not). ` +
      "The deploy bundle (dist/) in Miniflare (workerd); the reference OIP provider, a faulty one and an echoing one on 127.0.0.1.",
    "",
    problems.length
      ? `**${problems.length} problems** (500s, hangs, undocumented codes or error bodies, answers that differ from the serial ones, leaked secrets):\n\n${problems.slice(0, 40).map((p) => `- ${p.replace(/\s*\n\s*/g, " ")}`).join("\n")}`
      : "**No problems:** no 500, no hang, every error a documented code with the documented body, every answer under load identical to the serial one, no secret in any answer.",
  ].join("\n");
  // The credentials are dummies, but the report shows where they came back, not their value.
  const md = `${head}\n\n${sections.join("\n\n")}\n`.split(SECRETS.bearer).join("«PROVIDER_TOKEN»").split(SECRETS.key).join("«PROVIDER_KEY»");
  console.log(`\n${md}`);
  if (!quick) {
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/reliability.md", md);
    console.log("results: bench/results/reliability.md");
  }
  process.exitCode = problems.length ? 1 : 0;
};

await main();
