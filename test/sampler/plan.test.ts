// What a chain asks of each call: windows never cross deterministic steps; warm-up and bonus rules.
import { test } from "node:test";
import assert from "node:assert/strict";
import { planNext, planRows, stochasticRun } from "../../src/sampler/plan.ts";
import { chooseWindow, newPositionAcceptance, observeWindow } from "../../src/sampler/adaptive.ts";
import { checkSamplerOptions, DEFAULT_DRAFT, type SamplerOptions } from "../../src/sampler/options.ts";
import { schedule } from "../../tools/fixtures/sampler.ts";

const sched = schedule(10);
const opts = (over: Partial<SamplerOptions["draft"]> = {}, method: SamplerOptions["method"] = "block"): SamplerOptions =>
  ({ method, draft: { ...DEFAULT_DRAFT, window: 4, ...over }, schedule: sched, numChains: 1, seed: 0 });
const at = (k: number, frozenValid = true, frozenAtCurrent = false) => ({ steps: sched.steps, k, frozenValid, frozenAtCurrent, windowCap: 4 });

test("the last DDPM step is deterministic and bounds every window", () => {
  assert.equal(sched.steps[9].sigma, 0);
  assert.equal(stochasticRun(sched.steps, 0, 32), 9);
  assert.equal(stochasticRun(sched.steps, 7, 32), 2);
  assert.equal(stochasticRun(sched.steps, 9, 32), 0);
});

test("sequential always steps; deterministic steps are plain steps", () => {
  assert.deepEqual(planNext(opts({}, "sequential"), at(3)), { kind: "step" });
  assert.deepEqual(planNext(opts(), at(9)), { kind: "step" });
});

test("Free Drafter: warm-up step first, then windows with bonus only when a step follows", () => {
  assert.deepEqual(planNext(opts(), at(0, false)), { kind: "step" });
  assert.deepEqual(planNext(opts(), at(1)), { kind: "window", window: 4, first: 0, bonus: true });
  assert.deepEqual(planNext(opts(), at(7)), { kind: "window", window: 2, first: 0, bonus: true });
  assert.deepEqual(planNext(opts({ bonus: false }), at(7)), { kind: "window", window: 2, first: 0, bonus: false });
  assert.equal(planRows({ kind: "window", window: 4, first: 0, bonus: true }), 5);
});

test("frozen-target: a fresh evaluation at the window start, whose row is then reused", () => {
  assert.deepEqual(planNext(opts({ type: "frozen-target" }), at(2, true, false)), { kind: "start" });
  const p = planNext(opts({ type: "frozen-target" }), at(2, true, true));
  assert.deepEqual(p, { kind: "window", window: 4, first: 1, bonus: true });
  assert.equal(planRows(p), 4);
  // A one-step window with no bonus is just a target step.
  assert.deepEqual(planNext(opts({ type: "frozen-target", window: 1, bonus: false }), { ...at(2), windowCap: 1 }), { kind: "step" });
});

test("adaptive window: grows while later positions are likely reached, shrinks after rejections", () => {
  const acc = newPositionAcceptance(8);
  assert.equal(chooseWindow(acc, 8), 8);
  for (let r = 0; r < 20; r++) observeWindow(acc, 8, 2); // two drafts accepted, the third always rejected
  assert.equal(chooseWindow(acc, 8), 3);
  for (let r = 0; r < 40; r++) observeWindow(acc, 8, 8);
  assert.equal(chooseWindow(acc, 8), 8);
});

test("the sampler refuses options it cannot honour, naming the field", () => {
  const base = opts();
  assert.throws(() => checkSamplerOptions({ ...base, draft: { ...base.draft, window: 33 } }), { field: "draft.window" });
  assert.throws(() => checkSamplerOptions({ ...base, draft: { ...base.draft, window: 0 } }), { field: "draft.window" });
  assert.throws(() => checkSamplerOptions({ ...base, numChains: 0 }), { field: "num_samples" });
  assert.throws(() => checkSamplerOptions({ ...base, seed: -1 }), { field: "seed" });
  assert.doesNotThrow(() => checkSamplerOptions(base));
});
