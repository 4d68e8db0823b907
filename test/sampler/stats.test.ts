// Every reported figure checked against counts made outside the sampler.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Denoiser } from "../../src/denoisers/port.ts";
import { ring, sample } from "./fixtures.ts";

/** Wraps a denoiser to count calls, rows, and rows per call. */
const counting = () => {
  const seen = { calls: 0, rows: 0, perCall: [] as number[] };
  const wrap = (d: Denoiser): Denoiser => ({
    dim: d.dim,
    predictionType: d.predictionType,
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
  const { seen, wrap } = counting();
  const run = await sample({ model: ring(), steps: 50, method: "block", draft: { window: 4 }, chains: 8, seed: 9, wrap });
  assert.equal(run.stats.rounds, Math.max(...run.stats.chains.map((c) => c.rounds)));
  assert.equal(run.stats.target_rows, run.stats.chains.reduce((a, c) => a + c.rows, 0));
  assert.equal(seen.rows, run.stats.target_rows);
  assert.ok(seen.perCall[seen.perCall.length - 1] <= seen.perCall[0] * 2);
});
