// The one-step weighted-residual sampler (ALGORITHMS.md section 4): mass, 1-D inverse CDF, reconstruction.
// References come from the residual density alone (test/helpers/residual-ref.ts): quadrature and an
// independent rejection sampler. Statistical tests (seeded): 18 (delta, w) cases x 2 KS tests = 36, each at
// alpha = 0.001 / 36 (Bonferroni), so the file's false-failure rate is <= 0.001.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import { ksOneSample, ksTwoSample, seededRng } from "../../tools/fixtures/stats.ts";
import { residualRef, residualRejection } from "../helpers/residual-ref.ts";
import { residualApply, residualCoord, residualCut, residualLogMass, residualOffset } from "../../src/core/residual.ts";
import { DenoiserBadResponseError } from "../../src/errors.ts";
import type { Core } from "../../src/core/instance.ts";
import { laneSum, putF32 } from "../../tools/fixtures/lanes.ts";

const ALPHA = 0.001 / 36;
const DELTAS = [1e-6, 0.05, 0.5, 2, 8, 30];
const WEIGHTS = [1, 0.5, 1e-3];
const iters = (core: Core) => (core.raw as unknown as { residualIters: WebAssembly.Global }).residualIters.value as number;

test("residual mass M = w Phi_bar(c - delta) - Phi_bar(c) matches quadrature of the density", () => {
  const core = newCore();
  for (const delta of [1e-9, ...DELTAS, 1e3]) for (const w of [...WEIGHTS, 1 - 1e-12, 1e-300]) {
    const lw = Math.log(w), ref = residualRef(delta, lw), got = residualLogMass(core, delta, lw);
    // The reference's own rounding grows like eps c^2 (it adds and cancels -c^2/2 and ln q at the mode).
    const tol = 1e-12 * Math.max(1, Math.abs(ref.logMass)) + 2.3e-16 * ref.c * ref.c;
    assert.ok(Math.abs(got - ref.logMass) <= tol, `delta=${delta} w=${w}: ${got} vs ${ref.logMass}`);
  }
  // Limits: no mass when draft equals target or w = 0; all of w when the kernels are disjoint.
  assert.equal(residualLogMass(core, 0, 0), -Infinity);
  assert.equal(residualLogMass(core, 1, -Infinity), -Infinity);
  assert.equal(residualLogMass(core, Infinity, Math.log(0.25)), Math.log(0.25));
  assert.equal(residualLogMass(core, 1e300, 0), 0);
  assert.ok(Number.isFinite(residualLogMass(core, 1e100, -1e4)));
});

for (const delta of DELTAS) for (const w of WEIGHTS) {
  test(`residual draw delta=${delta} w=${w}: F(S) uniform and same law as a rejection sampler`, () => {
    const core = newCore(), rng = seededRng(Math.round(1e3 * delta) + Math.round(1e6 * w)), lw = Math.log(w), n = 2000;
    const ref = residualRef(delta, lw), ys = new Float64Array(n), rej = new Float64Array(n);
    let worst = 0;
    for (let i = 0; i < n; i++) { ys[i] = residualOffset(core, delta, lw, rng.uniform()); worst = Math.max(worst, iters(core)); }
    for (let i = 0; i < n; i++) rej[i] = residualRejection(rng, delta, lw);
    assert.ok(ys.every((y) => y >= 0 && Number.isFinite(y)));
    const pit = ksOneSample(ys, ref.cdf), two = ksTwoSample(ys, rej);
    assert.ok(pit.p > ALPHA, `PIT KS p=${pit.p}`);
    assert.ok(two.p > ALPHA, `two-sample KS p=${two.p}`);
    assert.ok(worst <= 40, `Newton iterations ${worst}`);
  });
}

test("residual draw is exact far into both tails (ln P(S > s) = ln u)", () => {
  const core = newCore();
  for (const [delta, w] of [[1e-6, 1], [1e-6, 1e-3], [0.5, 0.5], [2, 1], [8, 1e-3], [30, 1]]) {
    const lw = Math.log(w), ref = residualRef(delta, lw);
    for (const u of [1 - 1e-12, 0.999, 0.5, 1e-8, 1e-30, 1e-100, 1e-250]) {
      const y = residualOffset(core, delta, lw, u), got = ref.logTail(y);
      assert.ok(Math.abs(got - Math.log(u)) <= 1e-9 * Math.max(1, -Math.log(u)), `delta=${delta} w=${w} u=${u}: ${got}`);
    }
  }
});

test("residualCoord and residualOffset describe the same point; degenerate inputs stay finite", () => {
  const core = newCore();
  for (const [delta, lw, u] of [[0.5, -0.3, 0.2], [30, 0, 0.7], [1e-6, -2, 0.5]]) {
    const b = residualCut(core, delta, lw) - delta;
    const v = residualCoord(core, delta, lw, u), y = residualOffset(core, delta, lw, u);
    assert.ok(Math.abs(v - (b + y)) <= 1e-15 * Math.max(1, Math.abs(b)), `${v} vs ${b + y}`);
  }
  assert.equal(residualOffset(core, 0.5, 0, 1), 0);
  for (const [delta, lw, u] of [[0, 0, 0.5], [NaN, 0, 0.5], [Infinity, 0, 0.5], [1e-300, -1, 0.5], [1e6, 0, 0.3], [1e149, -5, 1e-9], [2, -Infinity, 0.5], [2, 0, 0], [2, 0, NaN]])
    assert.ok(Number.isFinite(residualCoord(core, delta, lw, u)), `delta=${delta} lw=${lw} u=${u}`);
});



test("residualApply: SIMD equals the scalar reference bit for bit; z_perp is orthogonal to e", () => {
  const core = newCore(), rng = seededRng(5), sigma = 0.4, v = 0.8;
  for (const n of [0, 1, 3, 4, 5, 17, 1027]) {
    const t = Float32Array.from({ length: n }, () => rng.normal()), d = Float32Array.from({ length: n }, () => rng.normal());
    const z = Float32Array.from({ length: n }, () => rng.normal()), out = core.allocF32(n);
    const norm = Math.sqrt(laneSum(n, (i) => (t[i] - d[i]) ** 2)), delta = n ? norm / sigma : 1;
    residualApply(core, out, putF32(core, t), putF32(core, d), putF32(core, z), sigma, delta, v, n);
    const p = laneSum(n, (i) => (t[i] - d[i]) * z[i]) / (sigma * delta), k = (v - p) / delta;
    const want = Float32Array.from(t, (ti, i) => (ti + sigma * z[i]) + k * (ti - d[i]));
    assert.deepEqual(core.f32(out, n), want, `n=${n}`);
    if (n < 17) continue;
    // (y - mu_T)/sigma = v e + z_perp: its e-component is v, the rest is zeta minus its e-component.
    const y = core.f32(out, n), e = Float64Array.from(t, (ti, i) => (ti - d[i]) / norm);
    const along = e.reduce((s, ei, i) => s + ei * (y[i] - t[i]) / sigma, 0);
    assert.ok(Math.abs(along - v) < 1e-4, `along e: ${along}`);
  }
});

test("residualApply edge cases: plain target draw when delta = 0 or +inf; NaN target throws, out untouched", () => {
  const core = newCore(), n = 5, sigma = 0.5, out = core.allocF32(n);
  const t = putF32(core, [1, 2, 3, 4, 5]), z = putF32(core, [0.5, -0.5, 1, -1, 0]), bad = putF32(core, [1, NaN, 3, 4, 5]);
  for (const delta of [0, Infinity]) {
    residualApply(core, out, t, bad, z, sigma, delta, 0.3, n);
    assert.deepEqual([...core.f32(out, n)], [1.25, 1.75, 3.5, 3.5, 5]);
  }
  core.f32(out, n).fill(9);
  assert.throws(() => residualApply(core, out, bad, t, z, sigma, Infinity, 0, n), DenoiserBadResponseError);
  assert.deepEqual([...core.f32(out, n)], [9, 9, 9, 9, 9]);
  residualApply(core, out, t, putF32(core, [1, 2, 3, 4, -5]), z, sigma, 1e6 / sigma, residualCoord(core, 1e6 / sigma, 0, 0.4), n);
  assert.ok(core.f32(out, n).every(Number.isFinite));
});
