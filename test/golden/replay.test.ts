// Replays the recorded golden runs (cases.ts): every sample bit-identical and every stat identical to what
// the sampler produced when golden.json was recorded. Deterministic: no randomness beyond the fixed seeds.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { GOLDEN_CASES, runGoldenCases, type GoldenRecord } from "./cases.ts";

const golden = JSON.parse(readFileSync(new URL("./golden.json", import.meta.url), "utf8")) as GoldenRecord[];

test("golden runs: bit-identical samples and identical stats for every recorded case", async () => {
  assert.deepEqual(golden.map((g) => g.name), GOLDEN_CASES.map((c) => c.name), "golden.json covers exactly the cases");
  const now = await runGoldenCases();
  for (const [i, g] of golden.entries()) {
    const r = now[i];
    assert.deepEqual(r.stats, g.stats, `${g.name}: stats`);
    assert.equal(r.samplesSha256, g.samplesSha256, `${g.name}: samples (first values now ${r.head}, recorded ${g.head})`);
  }
});
