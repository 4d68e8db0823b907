// `npm run sample -- --model glyphs --n 16 --out samples.png`: asks a running server for samples,
// writes them to a file and prints a stats summary.
import { closeSync, openSync, realpathSync, writeFileSync, writeSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseSampleArgs, USAGE, type SampleArgs } from "./args.ts";
import { readEvents } from "./sse.ts";
import { formatSummary, type StatsSummary } from "./summary.ts";

interface JsonAnswer {
  samples: { shape: number[] };
  seed: number;
  stats: Omit<StatsSummary, "total_ms" | "denoiser_ms" | "core_ms">;
  timing: { total_ms: number; denoiser_ms: number; core_ms: number };
}

const fromJson = (a: JsonAnswer) => ({ summary: { ...a.stats, ...a.timing }, seed: String(a.seed), samples: a.samples.shape[0] });

/** Runs one request; returns the text to print. Throws with the server's error message on failure. */
export const sample = async (args: SampleArgs, log: (line: string) => void = console.log): Promise<string> => {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (args.stream) headers.accept = "text/event-stream";
  if (args.token) headers.authorization = `Bearer ${args.token}`;
  let res: Response;
  try {
    res = await fetch(`${args.url}/v1/samples`, { method: "POST", headers, body: JSON.stringify(args.body) });
  } catch (err) {
    throw new Error(`cannot reach ${args.url} (is the server running? try: npm start): ${(err as Error).message}`);
  }
  if (!res.ok) {
    const body = (await res.json().catch(() => null)) as { error?: { code: string; message: string } } | null;
    throw new Error(`HTTP ${res.status} ${body?.error ? `${body.error.code}: ${body.error.message}` : res.statusText}`);
  }
  if (args.stream) {
    let result: JsonAnswer | undefined;
    // One JSON line per event as it arrives (round events, then the result or the error).
    const file = openSync(args.out, "w");
    try {
      for await (const ev of readEvents(res)) {
        writeSync(file, `${JSON.stringify({ event: ev.event, data: ev.data })}\n`);
        if (ev.event === "round") {
          const r = ev.data as { round: number; committed: number[]; acceptance: number };
          log(`round ${r.round}: committed ${Math.min(...r.committed)}..${Math.max(...r.committed)}, acceptance ${(100 * r.acceptance).toFixed(1)}%`);
        } else if (ev.event === "result") result = ev.data as JsonAnswer;
        else if (ev.event === "error") throw new Error(`stream error: ${JSON.stringify(ev.data)}`);
      }
    } finally {
      closeSync(file);
    }
    if (!result) throw new Error("stream ended without a result");
    const r = fromJson(result);
    return `${formatSummary(r.summary, r.seed, r.samples)}\nwrote ${args.out} (one JSON line per event)`;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  writeFileSync(args.out, bytes);
  const r = args.format === "json"
    ? fromJson(JSON.parse(new TextDecoder().decode(bytes)) as JsonAnswer)
    : { summary: JSON.parse(res.headers.get("x-stats") ?? "{}") as StatsSummary, seed: res.headers.get("x-seed") ?? "?", samples: Number(args.body.num_samples) };
  return `${formatSummary(r.summary, r.seed, r.samples)}\nwrote ${args.out}`;
};

const main = async () => {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) return console.log(USAGE);
  try {
    console.log(await sample(parseSampleArgs(argv)));
  } catch (err) {
    console.error(`sample: ${(err as Error).message}`);
    process.exitCode = 1;
  }
};

// Run as a command, not when imported (by the demo or tests).
if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
