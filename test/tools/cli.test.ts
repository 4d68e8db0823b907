import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSampleArgs } from "../../tools/cli/args.ts";
import { formatSummary } from "../../tools/cli/summary.ts";

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
