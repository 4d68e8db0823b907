// The latency-aware window (draft.window "auto", src/sampler/latency.ts): the choice of L, the online fit of
// call timings, and what determines the samples: bit-identical replays with a fixed latency model; with a
// measured one, identical given the same call timings and different when the timings differ.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseAutoWindow, fitReady, fittedCost, newLatencyFit, newPositionRates, observeCall, observeRates, relaxRates, type LatencyModel } from "../../src/sampler/latency.ts";
import type { Denoiser } from "../../src/denoisers/port.ts";
import { mixture64, sample } from "../../tools/fixtures/sampler.ts";

const always = () => true;

test("auto window: free rows draft the longest window, dear rows or no acceptance take plain steps", () => {
  const sure = new Float64Array(16).fill(1);
  assert.equal(chooseAutoWindow(sure, 16, always, { fixedMs: 27, rowMs: 0.02 }), 16);
  assert.equal(chooseAutoWindow(new Float64Array(16).fill(0), 16, always, { fixedMs: 27, rowMs: 0.02 }), 0);
  assert.equal(chooseAutoWindow(new Float64Array(16).fill(0.5), 16, always, { fixedMs: 0, rowMs: 1 }), 0);
  // Half the drafts pass at every position, rows cost as much as the call: a short window.
  const L = chooseAutoWindow(new Float64Array(16).fill(0.5), 16, always, { fixedMs: 30, rowMs: 15 });
  assert.ok(L >= 1 && L <= 3, `L = ${L}`);
  // Never beyond what the schedule allows.
  assert.equal(chooseAutoWindow(sure, 5, always, { fixedMs: 27, rowMs: 0.02 }), 5);
});

test("auto window: positions never reached inherit the rate before them; plain steps relax estimates upward", () => {
  const acc = newPositionRates(8);
  for (let r = 0; r < 30; r++) observeRates(acc, 8, 2); // two drafts pass, the third never
  assert.ok(acc[0] > 0.99 && acc[1] > 0.99 && acc[2] < 0.01);
  assert.ok(Number.isNaN(acc[3]), "position 4 was never reached");
  // Rows as dear as half the call: drafting past a position that never passes is waste.
  assert.equal(chooseAutoWindow(acc, 8, always, { fixedMs: 30, rowMs: 15 }), 2);
  const before = acc[2];
  relaxRates(acc);
  assert.ok(acc[2] > before);
});

test("latency fit: the configured model, its per-row cost rescaled by calls of one size, then the timings' line", () => {
  const prior: LatencyModel = { rttMs: 25, c0Ms: 2, c1Ms: 0.02 };
  const f = newLatencyFit(prior);
  assert.deepEqual(fittedCost(f), { fixedMs: 27, rowMs: 0.02 });
  observeCall(f, 32, 30 + 15 * 32);
  observeCall(f, 32, 30 + 15 * 32);
  assert.equal(fitReady(f), false);
  // One size only: the configured fixed part is assumed, the per-row cost comes from the timings.
  const one = fittedCost(f);
  assert.equal(one.fixedMs, 27);
  assert.ok(Math.abs(one.rowMs - (510 - 27) / 32) < 1e-9);
  observeCall(f, 96, 30 + 15 * 96);
  observeCall(f, Number.NaN, 5); // ignored
  observeCall(f, 10, -1); // ignored
  const c = fittedCost(f);
  assert.ok(Math.abs(c.fixedMs - 30) < 1e-6 && Math.abs(c.rowMs - 15) < 1e-9, JSON.stringify(c));
});

const clocked = (ms: (rows: number) => number) => {
  let now = 0;
  return {
    clock: () => now,
    wrap: (d: Denoiser): Denoiser => ({ dim: d.dim, evaluate: async (batch, signal) => { await d.evaluate(batch, signal); now += ms(batch.rows); } }),
  };
};

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const spec = { model: mixture64(), steps: 40, method: "block" as const, chains: 6, seed: 31 };

test("auto window with a fixed latency model: replays are bit-identical, whatever the clock reads", async () => {
  const draft = { window: 32, auto: { latency: { rttMs: 25, c0Ms: 5, c1Ms: 15 }, measured: false } };
  const a = await sample({ ...spec, draft });
  const b = await sample({ ...spec, draft, ...withClock(clocked((r) => 1000 * r)) });
  assert.ok(bits(a.samples).equals(bits(b.samples)));
  assert.deepEqual(a.stats, b.stats);
  // It chose: not the cap every round (32 drafts, and often fewer after a rejection), not sequential.
  assert.ok(a.stats.rounds < 40 && a.stats.target_rows < 6 * 40 * 33);
});

const withClock = (c: ReturnType<typeof clocked>) => ({ wrap: c.wrap, hooks: { clock: c.clock } });

test("auto window with measured latency: identical given the same call timings, different when they differ", async () => {
  const draft = { window: 32, auto: { latency: { rttMs: 25, c0Ms: 2, c1Ms: 0.02 }, measured: true } };
  const dear = (rows: number) => 30 + 15 * rows;
  const a = await sample({ ...spec, draft, ...withClock(clocked(dear)) });
  const b = await sample({ ...spec, draft, ...withClock(clocked(dear)) });
  assert.ok(bits(a.samples).equals(bits(b.samples)));
  assert.deepEqual(a.stats, b.stats);
  const cheap = await sample({ ...spec, draft, ...withClock(clocked((rows) => 30 + 0.001 * rows)) });
  assert.ok(cheap.stats.target_rows > a.stats.target_rows, `cheap rows ${cheap.stats.target_rows}, dear rows ${a.stats.target_rows}`);
  assert.ok(!bits(cheap.samples).equals(bits(a.samples)));
});
