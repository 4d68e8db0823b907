// Wall-clock per request through the Worker (the dry-run bundle in Miniflare) and the reference provider
// serving the ONNX model with an injected round-trip time: what the rounds saved are worth in time.
import type { Method } from "../../src/sampler/options.ts";
import { digitsEntry } from "../../tools/fixtures/learned.ts";
import { DIGITS_TENSOR_NAMES, loadOnnxDenoiser } from "../../tools/provider/onnx-model.ts";
import { serveOnnx } from "../../tools/provider/onnx-served.ts";
import { startProvider } from "../../tools/provider/server.ts";
import { DIGITS_MODEL_PATH } from "../../tools/learned/digits.ts";
import { startBundle } from "../e2e/worker.ts";
import { fmt } from "../harness.ts";

export interface WallSpec {
  n: number;
  method: Method;
  window?: number;
}

/** `repeats` timed requests per spec after one warm-up, `chains` samples each, at `rttMs`. */
export const wallClockTable = async (dist: string, specs: WallSpec[], opts: { chains: number; rttMs: number; repeats: number }, log: (line: string) => void): Promise<string> => {
  const onnx = await loadOnnxDenoiser(DIGITS_MODEL_PATH);
  const p = await startProvider({ models: [], served: [serveOnnx("digits", onnx, DIGITS_TENSOR_NAMES)], latencyMs: opts.rttMs });
  // One call per round (the committed entry splits rounds above 1024 rows): the injected RTT is then paid once per round.
  const entry = digitsEntry(p.url);
  const mf = startBundle(dist, { MODELS: JSON.stringify([{ ...entry, settings: { ...entry.settings, max_rows_per_call: 4096 } }]) });
  const request = async (s: WallSpec) => {
    const body = { model: "digits", method: s.method, steps: s.n, num_samples: opts.chains, seed: 7, draft: s.window ? { window: s.window } : undefined };
    const started = performance.now();
    const res = await mf.dispatchFetch("http://worker.test/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await res.json()) as { stats: { rounds: number; target_rows: number }; timing: { core_ms: number } };
    if (res.status !== 200) throw new Error(`${s.method}: ${res.status} ${JSON.stringify(json)}`);
    return { wall: performance.now() - started, rounds: json.stats.rounds, rows: json.stats.target_rows };
  };
  const lines = [
    "| N | method | L | request rounds | rows | wall ms | injected RTT ms | provider compute ms (ONNX, CPU) | rest ms (transport, Worker) | speed-up vs sequential |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  try {
    const seqWall = new Map<number, number>();
    for (const s of specs) {
      await request(s); // warm-up: metadata read, isolate and code paths hot
      const before = p.stats();
      let wall = 0, rounds = 0, rows = 0;
      for (let r = 0; r < opts.repeats; r++) {
        const one = await request(s);
        wall += one.wall / opts.repeats;
        rounds = one.rounds;
        rows = one.rows;
      }
      const after = p.stats();
      const rtt = (after.latencyMs - before.latencyMs) / opts.repeats, compute = (after.computeMs - before.computeMs) / opts.repeats;
      if (s.method === "sequential") seqWall.set(s.n, wall);
      const base = seqWall.get(s.n);
      lines.push(`| ${s.n} | ${s.method} | ${s.window ?? "-"} | ${rounds} | ${rows} | ${fmt(wall, 0)} | ${fmt(rtt, 0)} | ${fmt(compute, 0)} | ${fmt(Math.max(0, wall - rtt - compute), 0)} | ${base ? `${fmt(base / wall)}x` : "-"} |`);
      log(lines.at(-1)!);
    }
  } finally {
    await mf.dispose();
    await p.close();
    await onnx.release();
  }
  return lines.join("\n");
};
