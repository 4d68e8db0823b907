// npm run bench:e2e [-- --quick] [--dist DIR] [--per-row-ms 0.05]: wall-clock per request through the
// Worker (the dry-run bundle in Miniflare) and the reference OIP provider with injected round-trip
// latency, for sequential, token and block at their best L; bytes on the wire for FP32 and FP16. Not a test.
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { ANALYTIC_SCHEDULER } from "../../src/config/index.ts";
import { builtinModel } from "../../src/models/index.ts";
import type { Method } from "../../src/sampler/options.ts";
import { startProvider, type Provider, type ProviderStats } from "../../tools/provider/server.ts";
import { fmt, runEmbedded } from "../harness.ts";
import { wallClockPlot, type Bar } from "./plot.ts";
import { startBundle } from "./worker.ts";

const { values: args } = parseArgs({
  options: { quick: { type: "boolean", default: false }, dist: { type: "string", default: "dist" }, "per-row-ms": { type: "string", default: "0.05" }, rtts: { type: "string", default: "5,25,100" } },
});
const RTTS = args.rtts.split(",").map(Number);
const N = 200;
const CHAINS = 16;
const REPEATS = args.quick ? 1 : 3;
const PER_ROW_MS = Number(args["per-row-ms"]);
const ring = builtinModel("ring-2d")!;

// Best L by rounds on the embedded model (what the rounds benchmark reports), per method.
const bestWindow = async (method: Method): Promise<number> => {
  let best = { window: 0, rounds: Infinity };
  for (const window of [2, 4, 8, 12, 16]) {
    const run = await runEmbedded({ model: ring, steps: N, method, draft: { window }, chains: CHAINS, seed: 99 });
    if (run.stats.rounds < best.rounds) best = { window, rounds: run.stats.rounds };
  }
  return best.window;
};

// Workers' clocks are coarse and, deployed, advance only across I/O (timing side channels), so the Worker's
// own core_ms is a rough figure. The same sampler code in Node (V8 too) times it finely: coreMs is
// everything but the denoiser call, median of 5 runs.
const samplerCpuMs = async (method: Method, window: number): Promise<number> => {
  const ms: number[] = [];
  for (let i = 0; i < 5; i++) {
    const run = await runEmbedded({ model: ring, steps: N, method, draft: { window: window || 8 }, chains: CHAINS, seed: 7 });
    ms.push(run.timing.coreMs);
  }
  return ms.sort((a, b) => a - b)[2];
};

const entry = (id: string, p: Provider, model: string, wire: "FP32" | "FP16") => ({
  id, provider: "oip", shape: [2], scheduler: ANALYTIC_SCHEDULER,
  settings: { base_url: p.url, model_name: model, inputs: { sample: "sample", timestep: "timestep" }, output: "model_output", wire_dtype: wire, max_rows_per_call: 4096 },
});

const diff = (a: ProviderStats, b: ProviderStats) => ({
  calls: b.inferCalls - a.inferCalls, latencyMs: b.latencyMs - a.latencyMs, computeMs: b.computeMs - a.computeMs,
  bytesIn: b.bytesIn - a.bytesIn, bytesOut: b.bytesOut - a.bytesOut,
});

const main = async () => {
  const windows: Record<string, number> = { sequential: 0, token: await bestWindow("token"), block: await bestWindow("block") };
  const cpu: Record<string, number> = {};
  for (const m of ["sequential", "token", "block"] as const) cpu[m] = await samplerCpuMs(m, windows[m]);
  const providers = await Promise.all(RTTS.map((rtt) => startProvider({
    latencyMs: rtt, perRowMs: PER_ROW_MS,
    models: [{ name: "ring", mixture: ring, scheduler: { ...ANALYTIC_SCHEDULER } }, { name: "ring-fp16", mixture: ring, dtype: "FP16", scheduler: { ...ANALYTIC_SCHEDULER } }],
  })));
  const MODELS = JSON.stringify(providers.flatMap((p, i) => [entry(`ring-${RTTS[i]}`, p, "ring", "FP32"), entry(`ring-${RTTS[i]}-fp16`, p, "ring-fp16", "FP16")]));
  const mf = startBundle(args.dist, { MODELS });
  const request = async (model: string, method: string) => {
    const body = { model, method, steps: N, num_samples: CHAINS, seed: 7, draft: method === "sequential" ? undefined : { window: windows[method] } };
    const started = performance.now();
    const res = await mf.dispatchFetch("http://worker.test/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await res.json()) as { stats: { rounds: number }; timing: { core_ms: number } };
    if (res.status !== 200) throw new Error(`${model} ${method}: ${res.status} ${JSON.stringify(json)}`);
    return { wall: performance.now() - started, rounds: json.stats.rounds, workerCoreMs: json.timing.core_ms };
  };
  try {
    const bars: Bar[] = [];
    const lines: string[] = [];
    const bytes: string[] = [];
    for (const [i, rtt] of RTTS.entries()) {
      const p = providers[i];
      let seqWall = 0;
      for (const method of ["sequential", "token", "block"]) {
        await request(`ring-${rtt}`, method); // warm-up: metadata read, isolate and code paths hot
        const before = p.stats();
        let wall = 0, rounds = 0, workerCore = 0;
        for (let r = 0; r < REPEATS; r++) {
          const one = await request(`ring-${rtt}`, method);
          wall += one.wall / REPEATS;
          workerCore += one.workerCoreMs / REPEATS;
          rounds = one.rounds;
        }
        const d = diff(before, p.stats());
        const network = d.latencyMs / REPEATS, compute = d.computeMs / REPEATS, rest = Math.max(0, wall - network - compute - cpu[method]);
        if (method === "sequential") seqWall = wall;
        bars.push({ rtt, method, networkMs: network + rest, computeMs: compute, cpuMs: cpu[method] });
        lines.push(`| ${rtt} | ${method} | ${windows[method] || "-"} | ${rounds} | ${fmt(wall, 0)} | ${fmt(network, 0)} + ${fmt(rest, 0)} | ${fmt(compute, 0)} | ${fmt(cpu[method], 1)} (${fmt((100 * cpu[method]) / wall, 2)}%) | ${fmt(workerCore, 0)} | ${fmt(seqWall / wall)}x |`);
        console.log(lines.at(-1));
        if (rtt === 25) {
          for (const [model, wire] of [[`ring-${rtt}`, "FP32"], [`ring-${rtt}-fp16`, "FP16"]]) {
            const b0 = p.stats();
            await request(model, method);
            const b = diff(b0, p.stats());
            bytes.push(`| ${method} | ${wire} | ${b.calls} | ${b.bytesIn} | ${b.bytesOut} | ${fmt((b.bytesIn + b.bytesOut) / b.calls, 0)} |`);
          }
        }
      }
    }
    const head = `ring-2d, N = ${N}, ${CHAINS} chains per request, ${REPEATS} timed requests per cell, per-row cost ${PER_ROW_MS} ms, FP32 wire.\n\n` +
      "Network wait = injected RTT + the rest (localhost transport, Miniflare dispatch, wire encoding). In-Worker CPU = the sampler's CPU outside the denoiser call, timed on the same code in Node; the Worker's own core_ms (coarse clock) beside it.\n\n" +
      "| RTT ms | method | L | rounds | wall ms | network wait ms (injected + rest) | provider compute ms | in-Worker CPU ms (share of wall) | Worker core_ms | speed-up vs sequential |\n|---|---|---|---|---|---|---|---|---|---|\n";
    const bytesHead = "\n\nBytes on the wire per request at RTT 25 ms (metadata cached):\n\n| method | wire | calls | bytes sent | bytes received | bytes per call |\n|---|---|---|---|---|---|\n";
    const md = head + lines.join("\n") + bytesHead + bytes.join("\n") + "\n";
    mkdirSync("bench/results", { recursive: true });
    // A quick run is a smoke test: it leaves the committed full-run results alone.
    const out = args.quick ? "bench/results/e2e.quick" : "bench/results/e2e";
    writeFileSync(`${out}.md`, md);
    writeFileSync(`${out}.svg`, wallClockPlot(bars));
    console.log(`\n${md}\ntables: ${out}.md, plot: ${out}.svg`);
  } finally {
    await mf.dispose();
    await Promise.all(providers.map((p) => p.close()));
  }
};

await main();
