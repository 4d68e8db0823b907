// The sample CLI against the Worker (the deploy bundle under Miniflare, on a local port): --stream
// writes one JSON line per event, round events then the result, and prints the summary.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import type { Miniflare } from "miniflare";
import { parseSampleArgs } from "../../tools/cli/args.ts";
import { sample } from "../../tools/cli/sample.ts";
import { startWorker } from "../helpers/worker.ts";

let mf: Miniflare;
let url: string;
const dir = mkdtempSync(join(tmpdir(), "cli-stream-"));
before(async () => {
  mf = startWorker();
  url = (await mf.ready).href;
});
after(async () => {
  await mf.dispose();
  rmSync(dir, { recursive: true, force: true });
});

for (const file of ["run.jsonl", "run.json"]) {
  test(`cli --stream --out ${file}: one JSON line per event, rounds then the result`, async () => {
    const out = join(dir, file);
    const printed: string[] = [];
    const args = parseSampleArgs(["--url", url, "--model", "ring-2d", "--n", "2", "--steps", "20", "--method", "block", "--window", "4", "--seed", "5", "--stream", "--out", out], {});
    const summary = await sample(args, (line) => printed.push(line));
    const lines = readFileSync(out, "utf8").split("\n");
    assert.equal(lines.pop(), ""); // newline-terminated
    const events = lines.map((l) => JSON.parse(l) as { event: string; data: Record<string, unknown> });
    assert.ok(events.length >= 2);
    const rounds = events.slice(0, -1);
    for (const [i, ev] of rounds.entries()) {
      assert.equal(ev.event, "round");
      assert.equal(ev.data.round, i + 1);
    }
    assert.equal(printed.length, rounds.length); // one printed line per round event
    const result = events.at(-1)!;
    assert.equal(result.event, "result");
    assert.equal(result.data.seed, 5);
    assert.deepEqual((result.data.samples as { shape: number[] }).shape, [2, 2]);
    assert.match(summary, /samples {5}2 \(seed 5\)/);
    assert.match(summary, /one JSON line per event/);
  });
}

test("cli --stream: a refused request writes no file and says why", async () => {
  const out = join(dir, "refused.jsonl");
  const args = parseSampleArgs(["--url", url, "--model", "no-such-model", "--stream", "--out", out], {});
  await assert.rejects(sample(args, () => undefined), /HTTP 422 invalid_request/);
  assert.throws(() => readFileSync(out), /ENOENT/);
});
