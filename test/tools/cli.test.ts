import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSampleArgs } from "../../tools/cli/args.ts";
import { formatSummary } from "../../tools/cli/summary.ts";
import { devEnv, parseStartArgs, wranglerDevArgs } from "../../tools/cli/wrangler-dev.ts";

test("cli: the README's command builds a png request to localhost:8787", () => {
  const a = parseSampleArgs(["--model", "glyphs", "--n", "16", "--out", "samples.png"], {});
  assert.equal(a.url, "http://localhost:8787");
  assert.equal(a.format, "png");
  assert.deepEqual(a.body, { model: "glyphs", num_samples: 16, output: "png" });
});

test("cli: options map to request fields; the format follows the extension", () => {
  const a = parseSampleArgs(["--out", "x.npy", "--steps", "50", "--method", "token", "--window", "4", "--seed", "7", "--url", "http://h:1/"], { API_TOKEN: "t" });
  assert.deepEqual(a.body, { model: "glyphs", num_samples: 16, steps: 50, method: "token", draft: { window: 4 }, seed: 7, output: "npy" });
  assert.equal(a.url, "http://h:1");
  assert.equal(a.token, "t");
  assert.throws(() => parseSampleArgs(["--out", "x.jpg"], {}), /--out/);
  assert.throws(() => parseSampleArgs(["--n", "lots"], {}), /--n/);
});

test("cli: the summary states rounds against steps, acceptance and timing", () => {
  const text = formatSummary({ method: "block", steps: 100, rounds: 40, target_rows: 900, speedup: 2.5, acceptance: 0.8, total_ms: 12, denoiser_ms: 8, core_ms: 4 }, "7", 16);
  assert.match(text, /40 sequential denoiser calls \(speed-up 2\.50x over 100\)/);
  assert.match(text, /80\.0%/);
  assert.match(text, /seed 7/);
});

test("cli: --stream writes JSON lines to .jsonl or .json, and refuses an image or array file", () => {
  for (const out of ["run.jsonl", "run.json", "RUN.JSONL"]) {
    const a = parseSampleArgs(["--stream", "--out", out], {});
    assert.equal(a.format, "json");
    assert.equal(a.body.output, "json");
    assert.equal(a.body.stream, true);
  }
  for (const out of ["x.png", "x.npy", "x.txt"]) {
    assert.throws(() => parseSampleArgs(["--stream", "--out", out], {}), /--stream writes JSON lines \(one per event\).*use --out run\.jsonl or run\.json/);
  }
  // Without --stream a .jsonl file has no format to take.
  assert.throws(() => parseSampleArgs(["--out", "x.jsonl"], {}), /--out must end in \.png, \.npy or \.json/);
});

test("cli: readings under 1 ms (the Worker's coarse clock) show as <1 ms, explained", () => {
  const text = formatSummary({ method: "block", steps: 100, rounds: 21, target_rows: 900, speedup: 4.76, acceptance: 0.5, total_ms: 176, denoiser_ms: 176, core_ms: 0 }, "1", 64);
  assert.match(text, /^time {8}176\.0 ms \(denoiser 176\.0 ms, core <1 ms\)$/m);
  assert.match(text, /the Worker's clock is coarse: timers advance only across I\/O/);
  assert.doesNotMatch(text, /0\.0 ms/);
  const measured = formatSummary({ method: "block", steps: 100, rounds: 21, target_rows: 900, speedup: 4.76, acceptance: 0.5, total_ms: 176, denoiser_ms: 144, core_ms: 32 }, "1", 64);
  assert.match(measured, /core 32\.0 ms\)$/);
  assert.doesNotMatch(measured, /coarse/);
});

test("start: --port N or --port=N picks the port (default 8787); other options go to wrangler dev", () => {
  assert.deepEqual(parseStartArgs([]), { port: 8787, rest: [] });
  assert.deepEqual(parseStartArgs(["--port", "8790"]), { port: 8790, rest: [] });
  assert.deepEqual(parseStartArgs(["--ip", "0.0.0.0", "--port=8791", "--local-protocol", "http"]), { port: 8791, rest: ["--ip", "0.0.0.0", "--local-protocol", "http"] });
  for (const bad of [["--port"], ["--port", "x"], ["--port", "70000"], ["--port=0"]]) assert.throws(() => parseStartArgs(bad), /--port must be an integer in 1\.\.65535/);
  // wrangler dev is given exactly one --port (two make it refuse to start).
  const args = wranglerDevArgs(8790, ["--ip", "127.0.0.1"]);
  assert.equal(args.filter((a) => a === "--port").length, 1);
  assert.deepEqual(args.slice(1), ["dev", "--port", "8790", "--ip", "127.0.0.1"]);
  assert.match(args[0], /wrangler[/\\]bin[/\\]wrangler\.js$/);
});

test("start: the offline environment turns off the Request.cf fetch and telemetry, unless already chosen", () => {
  const env = devEnv({ PATH: "/bin" });
  assert.equal(env.CLOUDFLARE_CF_FETCH_ENABLED, "false");
  assert.equal(env.WRANGLER_SEND_METRICS, "false");
  assert.equal(env.WRANGLER_SEND_ERROR_REPORTS, "false");
  assert.equal(env.PATH, "/bin");
  assert.equal(devEnv({ CLOUDFLARE_CF_FETCH_ENABLED: "true" }).CLOUDFLARE_CF_FETCH_ENABLED, "true");
});
