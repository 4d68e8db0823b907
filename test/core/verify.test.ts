// Per-step statistics and token-wise verification with reflection (ALGORITHMS.md sections 2-3).
// Statistical tests (seeded): 6 checks below, each at alpha = 1.6e-4 (KS p-value floor, or a 4-SE bound,
// two-sided normal tail 6.3e-5), so the file's false-failure rate is <= 0.001.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import { ksOneSample, normalCdf, seededRng, binomialSe, type Rng } from "../../tools/fixtures/stats.ts";
import { readStepStats, reflect, StatFlag, stepStats, tokenAccepts } from "../../src/core/verify.ts";
import { couplingAcceptance } from "../../src/core/special.ts";
import { DenoiserBadResponseError } from "../../src/errors.ts";
import type { Core } from "../../src/core/instance.ts";
import { laneSum, putF32 } from "../../tools/fixtures/lanes.ts";

const ALPHA = 1.6e-4;
const LENGTHS = [0, 1, 3, 4, 5, 17, 1027];
const raw = (core: Core) => core.raw as unknown as { tokenAccept(u: number, logR: number): number };

const normals = (rng: Rng, n: number, scale = 1) => Float32Array.from({ length: n }, () => scale * rng.normal());


test("stepStats: SIMD equals the scalar reference bit for bit, all lengths", () => {
  const core = newCore(), rng = seededRng(11), stats = core.allocF64(3);
  for (const n of LENGTHS) {
    const t = normals(rng, n), d = normals(rng, n), x = normals(rng, n), sigma = 0.7;
    assert.equal(stepStats(core, stats, 0, putF32(core, t), putF32(core, d), putF32(core, x), sigma, n), 0);
    const dd = laneSum(n, (i) => (t[i] - d[i]) ** 2), dx = laneSum(n, (i) => (t[i] - d[i]) * x[i]);
    const delta = Math.sqrt(dd) / sigma, s = dx / Math.sqrt(dd);
    const want = n === 0 ? { delta: 0, s: 0, logR: 0 } : { delta, s, logR: delta * (s - 0.5 * delta) };
    assert.deepEqual(readStepStats(core, stats, 0), want, `n=${n}`);
  }
});

test("reflect: SIMD equals the scalar reference bit for bit, all lengths", () => {
  const core = newCore(), rng = seededRng(12), stats = core.allocF64(3);
  for (const n of LENGTHS) {
    const t = normals(rng, n), d = normals(rng, n), x = normals(rng, n), sigma = 0.3;
    const pt = putF32(core, t), pd = putF32(core, d), px = putF32(core, x), out = core.allocF32(n);
    stepStats(core, stats, 0, pt, pd, px, sigma, n);
    const { delta, s } = readStepStats(core, stats, 0);
    reflect(core, out, pt, pd, px, sigma, stats, 0, n);
    const k = delta > 0 ? (-2 * s) / delta : 0;
    const want = Float32Array.from(t, (ti, i) => (ti + sigma * x[i]) + k * (ti - d[i]));
    assert.deepEqual(core.f32(out, n), want, `n=${n}`);
  }
});

test("tokenAccept: ln u <= min(0, log r); NaN and -inf reject", () => {
  const a = raw(newCore()).tokenAccept;
  assert.equal(a(0.5, 0), 1);
  assert.equal(a(0.5, Math.log(0.5) - 1e-12), 0);
  assert.equal(a(0.5, Math.log(0.5) + 1e-12), 1);
  assert.equal(a(0.999, 50), 1);
  assert.equal(a(1e-300, NaN), 0);
  assert.equal(a(NaN, 0), 0);
  assert.equal(a(1e-300, -Infinity), 0);
  assert.equal(a(0, -1e300), 0 + 1); // ln 0 = -inf <= any finite log r: the measure-zero u = 0 accepts
});

test("edge cases: delta = 0 accepts; NaN rejects and never writes NaN; huge delta stays finite", () => {
  const core = newCore(), n = 6, sigma = 0.5, stats = core.allocF64(3), uni = core.allocF64(1);
  const m = putF32(core, [1, 2, 3, 4, 5, 6]), xi = putF32(core, [0.1, -0.2, 0.3, 0, 1, -1]), out = core.allocF32(n);
  core.f64(uni, 1)[0] = 1e-300;
  assert.equal(stepStats(core, stats, 0, m, m, xi, sigma, n), 0);
  assert.deepEqual(readStepStats(core, stats, 0), { delta: 0, s: 0, logR: 0 });
  assert.ok(tokenAccepts(core, stats, 0, uni));
  const bad = putF32(core, [1, 2, NaN, 4, 5, 6]);
  assert.equal(stepStats(core, stats, 0, bad, m, xi, sigma, n), StatFlag.target);
  assert.deepEqual(readStepStats(core, stats, 0), { delta: Infinity, s: 0, logR: -Infinity });
  assert.ok(!tokenAccepts(core, stats, 0, uni));
  core.f32(out, n).fill(7);
  assert.throws(() => reflect(core, out, bad, m, xi, sigma, stats, 0, n), DenoiserBadResponseError);
  assert.deepEqual([...core.f32(out, n)], [7, 7, 7, 7, 7, 7]);
  // A broken draft mean: reject, and the output is the exact target draw mu_T + sigma xi.
  assert.equal(stepStats(core, stats, 0, m, bad, xi, sigma, n), StatFlag.draft);
  reflect(core, out, m, bad, xi, sigma, stats, 0, n);
  assert.ok(core.f32(out, n).every(Number.isFinite));
  assert.equal(stepStats(core, stats, 0, m, m, xi, 0, n), StatFlag.sigma);
  const far = putF32(core, [3e38, -3e38, 3e38, 3e38, 0, 0]);
  for (const tiny of [1e-30, 1e-300]) { // delta ~ 6e68, then overflowing to +inf
    assert.equal(stepStats(core, stats, 0, far, m, xi, tiny, n), 0);
    const r = readStepStats(core, stats, 0);
    assert.ok(r.delta > 1e60 && r.logR < -1e100 && Number.isFinite(r.s), JSON.stringify(r));
    assert.ok(!tokenAccepts(core, stats, 0, uni));
    reflect(core, out, far, m, xi, tiny, stats, 0, n);
    assert.ok(core.f32(out, n).every((v) => !Number.isNaN(v)));
  }
});

// One step in R^5 with |mu_T - mu_D| = sigma delta: the token-wise output is exactly N(mu_T, sigma^2 I).
const oneStep = (delta: number, draws: number, seed: number) => {
  const core = newCore(), rng = seededRng(seed), n = 5, sigma = 0.8;
  const e = [0.6, 0, -0.8, 0, 0], g = [0, 1, 0, 0, 0]; // unit direction and one orthogonal to it
  const muD = Float32Array.from([0.5, -1, 2, 0.25, 3]);
  const muT = Float32Array.from(muD, (v, i) => v + sigma * delta * e[i]);
  const pt = putF32(core, muT), pd = putF32(core, muD), px = core.allocF32(n), out = core.allocF32(n);
  const stats = core.allocF64(3), uni = core.allocF64(1);
  const along: number[] = [], across: number[] = [];
  let accepted = 0;
  for (let k = 0; k < draws; k++) {
    const xi = core.f32(px, n);
    for (let i = 0; i < n; i++) xi[i] = rng.normal();
    core.f64(uni, 1)[0] = rng.uniform();
    stepStats(core, stats, 0, pt, pd, px, sigma, n);
    let y: Float32Array;
    if (tokenAccepts(core, stats, 0, uni)) { accepted++; y = Float32Array.from(core.f32(px, n), (v, i) => muD[i] + sigma * v); }
    else { reflect(core, out, pt, pd, px, sigma, stats, 0, n); y = core.f32(out, n); }
    along.push(e.reduce((s, ei, i) => s + (ei * (y[i] - muD[i])) / sigma, 0));
    across.push(g.reduce((s, gi, i) => s + (gi * (y[i] - muT[i])) / sigma, 0));
  }
  return { along, across, rate: accepted / draws, expected: couplingAcceptance(core, delta) };
};

for (const delta of [0.4, 1.7]) {
  test(`one token-wise step, delta=${delta}: output along e is N(delta, 1); acceptance 2 Phi_bar(delta/2)`, () => {
    const draws = 20000, r = oneStep(delta, draws, 100 + delta * 10);
    const ks = ksOneSample(r.along, (x) => normalCdf(x - delta));
    assert.ok(ks.p > ALPHA, `KS along e: p=${ks.p}`);
    assert.ok(Math.abs(r.rate - r.expected) < 4 * binomialSe(r.expected, draws), `rate ${r.rate} vs ${r.expected}`);
    assert.ok(ksOneSample(r.across, normalCdf).p > ALPHA, "orthogonal part N(0, 1)");
  });
}
