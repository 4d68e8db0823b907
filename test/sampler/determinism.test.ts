// Seeded runs are reproducible bit for bit, and a chain's samples do not depend on its neighbours.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mixture64, ring, sample } from "../../tools/fixtures/sampler.ts";

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

for (const method of ["sequential", "token", "block"] as const) {
  test(`${method}: the same seed and request give bit-identical samples`, async () => {
    const spec = { model: mixture64(), steps: 30, method, chains: 7, seed: 2024, draft: { window: 5 } };
    const a = await sample(spec);
    const b = await sample(spec);
    assert.ok(bits(a.samples).equals(bits(b.samples)));
    assert.deepEqual(a.stats, b.stats);
  });

  test(`${method}: a different seed gives different samples`, async () => {
    const spec = { model: ring(), steps: 30, method, chains: 4, draft: { window: 5 } };
    const a = await sample({ ...spec, seed: 1 });
    const b = await sample({ ...spec, seed: 2 });
    assert.ok(!bits(a.samples).equals(bits(b.samples)));
  });

  test(`${method}: chain c's samples do not change with the number of chains in the request`, async () => {
    const spec = { model: ring(), steps: 40, method, seed: 77, draft: { window: 6, type: "frozen-target" as const } };
    const many = await sample({ ...spec, chains: 9 });
    const few = await sample({ ...spec, chains: 3 });
    const alone = await sample({ ...spec, chains: 1, firstChain: 2 });
    assert.ok(bits(few.samples).equals(bits(many.samples.subarray(0, 3 * 2))));
    assert.ok(bits(alone.samples).equals(bits(many.samples.subarray(2 * 2, 3 * 2))));
  });
}
