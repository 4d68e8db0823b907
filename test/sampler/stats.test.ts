// Every reported figure checked against counts made outside the sampler.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Denoiser } from "../../src/denoisers/port.ts";
import { ring, sample } from "../../tools/fixtures/sampler.ts";

/** Wraps a denoiser to count calls, rows, and rows per call. */
const counting = () => {
  const seen = { calls: 0, rows: 0, perCall: [] as number[] };
  const wrap = (d: Denoiser): Denoiser => ({
    dim: d.dim,
    evaluate: async function countedEvaluate(batch, signal) {
      seen.calls++;
      seen.rows += batch.rows;
      seen.perCall.push(batch.rows);
      return d.evaluate(batch, signal);
    },
  });
  return { seen, wrap };
};

test("sequential: one round and one row per chain per step", async () => {
  const { seen, wrap } = counting();
  const run = await sample({ model: ring(), steps: 25, method: "sequential", chains: 3, seed: 1, wrap });
  assert.equal(run.stats.rounds, 25);
  assert.equal(seen.calls, 25);
  assert.equal(run.stats.target_rows, 75);
  assert.equal(seen.rows, 75);
  assert.equal(run.stats.speedup, 1);
  for (const c of run.stats.chains) assert.deepEqual([c.rounds, c.committed, c.accepted], [25, 25, 0]);
});

for (const method of ["token", "block"] as const)
  for (const type of ["free", "frozen-target"] as const)
    for (const bonus of [false, true]) {
      test(`${method} ${type}${bonus ? " +bonus" : ""}: rounds, rows and commits match independent counts`, async () => {
        const { seen, wrap } = counting();
        const steps = 60;
        const run = await sample({ model: ring(), steps, method, draft: { type, window: 6, bonus }, chains: 1, seed: 3, wrap });
        const s = run.stats;
        assert.equal(s.rounds, seen.calls);
        assert.equal(s.target_rows, seen.rows);
        const [c] = s.chains;
        assert.equal(c.rounds, seen.calls, "a lone chain takes part in every call");
        assert.equal(c.rows, seen.rows);
        assert.equal(c.committed, steps);
        assert.ok(s.rounds < steps, "speculation saves rounds on the ring");
        assert.equal(s.speedup, steps / s.rounds);
        // Rows per call never exceed the window plus the bonus row.
        for (const r of seen.perCall) assert.ok(r >= 1 && r <= 6 + (bonus ? 1 : 0));
        // Per-step counts add up to the chain's accepted drafts.
        const accepted = s.per_step.reduce((a, p) => a + (p.acceptance ?? 0) * p.verified, 0);
        assert.ok(Math.abs(accepted - c.accepted) < 1e-9);
        // The last step is deterministic (sigma = 0) and never drafted.
        const last = s.per_step[steps - 1];
        assert.equal(last.sigma, 0);
        assert.equal(last.verified, 0);
      });
    }

test("many chains: the request's rounds are the longest chain's rounds; finished chains leave the batch", async () => {
  const spec = { model: ring(), steps: 50, method: "block" as const, draft: { window: 4 }, seed: 9 };
  const { seen, wrap } = counting();
  const run = await sample({ ...spec, chains: 8, wrap });
  // Each chain run alone (same seed and chain index, so the same draws): its rows in each of its rounds.
  const alone: number[][] = [];
  for (let c = 0; c < 8; c++) {
    const one = counting();
    await sample({ ...spec, chains: 1, firstChain: c, wrap: one.wrap });
    alone.push(one.seen.perCall);
  }
  const rounds = alone.map((rows) => rows.length);
  assert.ok(Math.min(...rounds) < Math.max(...rounds), `chains must finish at different rounds for this check: ${rounds}`);
  assert.equal(seen.calls, Math.max(...rounds));
  assert.equal(run.stats.rounds, seen.calls);
  assert.deepEqual(run.stats.chains.map((c) => c.rounds), rounds);
  // Call r carries exactly the rows of the chains still running at round r: a finished chain adds none.
  const expected = Array.from({ length: seen.calls }, (_, r) => alone.reduce((a, rows) => a + (rows[r] ?? 0), 0));
  assert.deepEqual(seen.perCall, expected);
  assert.equal(run.stats.target_rows, seen.rows);
  assert.equal(run.stats.target_rows, run.stats.chains.reduce((a, c) => a + c.rows, 0));
});
