// Standard normal special functions of core.wasm against BigInt references computed in
// test/helpers/normal-ref.ts (series in fixed point, no tables). Deterministic; no statistical tests.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import { logSfRefFar, normalRef, type NormalRef } from "../helpers/normal-ref.ts";
import { seededRng } from "../../tools/fixtures/stats.ts";

interface SpecialRaw {
  normSf(x: number): number; normCdf(x: number): number; normPdf(x: number): number; normLogPdf(x: number): number;
  normLogSf(x: number): number; normLogCdf(x: number): number;
  millsRatio(x: number): number; millsLogRatio(x: number): number; millsHazardGap(x: number): number;
  couplingAcceptance(delta: number): number;
}
const raw = () => newCore().raw as unknown as SpecialRaw;
const MIN_NORMAL = 2.2250738585072014e-308;

// Grid on [-38, 38]: quarter steps, Cody's break points and their neighbours, and seeded random points.
const grid = (() => {
  const rng = seededRng(4), xs: number[] = [];
  for (let k = -152; k <= 152; k++) xs.push(k / 4);
  for (const b of [0.66291, 5.656854249492380]) xs.push(b, -b, b * (1 + 2 ** -52), b * (1 - 2 ** -52));
  for (let i = 0; i < 60; i++) xs.push(76 * rng.uniform() - 38);
  xs.push(1e-300, -1e-300, 1e-8);
  return xs.map((x) => ({ x, ref: normalRef(x) }));
})();

// [export, reference field, tolerance, relative (true) or absolute in max(1, |v|)]
const CASES: [keyof SpecialRaw, keyof NormalRef, number, boolean][] = [
  ["normSf", "sf", 1e-15, true],
  ["normPdf", "pdf", 1e-15, true],
  ["normLogSf", "logSf", 1e-15, true],
  ["millsRatio", "mills", 1e-15, true],
  ["millsLogRatio", "logMills", 1e-15, false],
  ["millsHazardGap", "hazardGap", 2e-14, true],
];

for (const [name, field, tol, relative] of CASES) {
  test(`${name} matches the BigInt reference on |x| <= 38 (${relative ? "relative" : "absolute"} ${tol})`, () => {
    const f = raw()[name] as (x: number) => number;
    for (const { x, ref } of grid) {
      const want = ref[field], got = f(x);
      if (!Number.isFinite(want)) { assert.equal(got, want, `x=${x}`); continue; }
      if (relative && Math.abs(want) < MIN_NORMAL) continue; // subnormal results carry fewer bits
      const scale = relative ? Math.abs(want) : Math.max(1, Math.abs(want));
      assert.ok(Math.abs(got - want) <= tol * scale, `${name}(${x}) = ${got}, want ${want}`);
    }
  });
}

test("normLogSf stays relative-accurate far beyond x = 38 (to 1e100)", () => {
  const k = raw();
  for (const x of [30, 38, 38.5, 40, 50, 100, 1e3, 1e5, 1e10, 1e100]) {
    const { hi, lo } = logSfRefFar(x);
    assert.ok(Math.abs(k.normLogSf(x) - hi - lo) <= 1e-15 * Math.abs(hi), `x=${x}: ${k.normLogSf(x)} vs ${hi}`);
  }
});

test("identities, limits and NaN propagation", () => {
  const k = raw();
  for (const x of [-7.5, -1, 0, 0.3, 2, 12]) {
    assert.equal(k.normCdf(x), k.normSf(-x));
    assert.equal(k.normLogCdf(x), k.normLogSf(-x));
    assert.ok(Math.abs(k.normLogPdf(x) - Math.log(k.normPdf(x))) <= 1e-15 * Math.max(1, x * x));
  }
  assert.equal(k.normSf(0), 0.5);
  assert.deepEqual([k.normSf(Infinity), k.normSf(-Infinity), k.normPdf(Infinity)], [0, 1, 0]);
  assert.ok(k.normLogSf(Infinity) === -Infinity && k.normLogSf(-Infinity) === 0);
  assert.equal(k.normSf(40), 0);
  assert.ok(k.normLogSf(1e200) === -Infinity && k.normLogSf(-40) === 0);
  assert.equal(k.millsRatio(-40), Infinity);
  assert.ok(Math.abs(k.millsLogRatio(-1e5) - (5e9 + 0.9189385332046728)) <= 1e-6);
  assert.equal(k.millsHazardGap(Infinity), 0);
  assert.equal(k.millsHazardGap(-40), 40);
  for (const f of [k.normSf, k.normPdf, k.normLogSf, k.millsRatio, k.millsLogRatio, k.millsHazardGap]) assert.ok(Number.isNaN(f(NaN)));
});

test("couplingAcceptance = 2 Phi_bar(delta / 2), 1 at delta = 0, tiny but positive for large delta", () => {
  const k = raw();
  assert.equal(k.couplingAcceptance(0), 1);
  for (const d of [0.1, 1, 3, 20, 70]) {
    const want = 2 * normalRef(d / 2).sf;
    assert.ok(Math.abs(k.couplingAcceptance(d) - want) <= 1e-15 * want, `delta=${d}`);
  }
});
