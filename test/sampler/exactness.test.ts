// Whole-chain exactness (ALGORITHMS.md section 7): every speculative arm against the sequential
// sampler of the same model and schedule, two-sample KS on 4 fixed projections and the norm |x|
// (Bonferroni over the 5). False-failure rate: each arm fails with probability <= ARM_ALPHA = 1e-4
// when exact; over the 52 arms of this file the family-wise rate is <= 52 * 1e-4 = 0.52%. Seeds are
// fixed, so a run is deterministic: the rate is that of a randomly chosen seed. Each arm awaits its
// sequential reference from a memoised helper (computed once, on first use), so any arm runs alone.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mixture64, ring, sample } from "../../tools/fixtures/sampler.ts";
import { once, projectedP } from "../../tools/fixtures/two-sample-projections.ts";
import type { GaussianMixture } from "../../src/models/index.ts";
import { DEFAULT_DRAFT, type DraftOptions } from "../../src/sampler/options.ts";

const ARM_ALPHA = 1e-4;
const STEPS = 20;


const cases: { name: string; model: () => GaussianMixture; chains: number }[] = [
  { name: "ring-2d", model: ring, chains: 10000 },
  { name: "mixture d=64", model: mixture64, chains: 4000 },
];

for (const { name, model, chains } of cases) {
  describe(`exactness on ${name}`, () => {
    const m = model();
    const reference = once(async () => {
      const { samples } = await sample({ model: m, steps: STEPS, method: "sequential", chains, seed: 11 });
      assert.equal(samples.length, chains * m.dim);
      return samples;
    });
    const arms: { method: "token" | "block"; draft: Partial<DraftOptions> }[] = [];
    for (const method of ["token", "block"] as const) {
      for (const type of ["free", "frozen-target"] as const)
        for (const bonus of [false, true]) for (const window of [2, 8]) arms.push({ method, draft: { type, window, bonus, freeze: "x0" } });
      for (const bonus of [false, true]) arms.push({ method, draft: { type: "free", window: 8, bonus, freeze: "eps" } });
      arms.push({ method, draft: { type: "free", window: 8, bonus: true, freeze: "x0", adaptive: true } });
      arms.push({ method, draft: { ...DEFAULT_DRAFT } });
    }
    arms.forEach(({ method, draft }, i) => {
      const arm = `${method} ${draft.type} freeze=${draft.freeze} L=${draft.window}${draft.bonus ? " +bonus" : ""}${draft.adaptive ? " adaptive" : ""}`;
      test(arm, async () => {
        const run = await sample({ model: m, steps: STEPS, method, draft, chains, seed: 1000 + i });
        const p = projectedP(run.samples, await reference(), m.dim);
        if (process.env.EXACTNESS_VERBOSE) console.log(`${arm}: corrected p = ${p.toFixed(4)}`);
        assert.ok(p > ARM_ALPHA, `${arm}: corrected p = ${p.toExponential(2)} <= ${ARM_ALPHA}`);
      });
    });
  });
}

test("control: the same test rejects a sampler of a slightly different model (power check)", async () => {
  const m = ring();
  const wider = { ...m, id: "ring-wider", std: m.std * 1.25 };
  const a = (await sample({ model: m, steps: STEPS, method: "sequential", chains: 10000, seed: 5 })).samples;
  const b = (await sample({ model: wider, steps: STEPS, method: "block", draft: { window: 4 }, chains: 10000, seed: 6 })).samples;
  assert.ok(projectedP(a, b, 2) <= ARM_ALPHA);
});

// Other step forms: DDIM with eta = 1 (the mean uses eps_hat directly) and clipped x0_hat, on the ring.
// 4 more arms at ARM_ALPHA, counted in the file's family-wise rate above.
describe("exactness with other scheduler forms on ring-2d", () => {
  const forms: [string, Record<string, unknown>][] = [
    ["DDIM eta=1", { _class_name: "DDIMScheduler" }],
    ["DDPM clip_sample", { clip_sample: true, clip_sample_range: 2.0 }],
  ];
  for (const [form, scheduler] of forms) {
    const reference = once(async () => (await sample({ model: ring(), steps: STEPS, method: "sequential", chains: 10000, seed: 21, scheduler })).samples);
    for (const method of ["token", "block"] as const)
      test(`${form}: ${method} free x0 L=8 +bonus`, async () => {
        const run = await sample({ model: ring(), steps: STEPS, method, draft: { window: 8 }, chains: 10000, seed: 22, scheduler });
        const p = projectedP(run.samples, await reference(), 2);
        assert.ok(p > ARM_ALPHA, `${form} ${method}: corrected p = ${p.toExponential(2)}`);
      });
  }
});
