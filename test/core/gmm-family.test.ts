// gmmX0Family (ResidentMixture.x0FamilyAt) in core.wasm against a float64 reference of ALGORITHMS.md 1b,
// "Analytic mixtures under any family": VP, Euler-sigma and flow-matching rows, common and per-component stds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import { uploadMixture, type ResidentMixture } from "../../src/core/gmm.ts";
import type { Core } from "../../src/core/instance.ts";
import { makeMixture, type GaussianMixture } from "../../src/models/index.ts";

// Small seeded generator for test inputs (xorshift32 -> [0, 1)).
const rng = (seed: number) => () => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
const normal = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

/** A row's family: x = alpha x0 + s xi with noiseVar = s^2. */
interface Family { readonly label: string; readonly alpha: number; readonly noiseVar: number }
const vp = (a: number): Family => ({ label: `vp a=${a}`, alpha: Math.sqrt(a), noiseVar: 1 - a });
const euler = (sigma: number): Family => ({ label: `euler sigma=${sigma}`, alpha: 1, noiseVar: sigma * sigma });
const flow = (sigma: number): Family => ({ label: `flow sigma=${sigma}`, alpha: 1 - sigma, noiseVar: sigma * sigma });
const FAMILIES: Family[] = [
  ...[1e-4, 0.3, 0.999].map(vp),
  ...[0.002, 0.5, 3, 80].map(euler),
  ...[1e-3, 0.3, 0.9, 1].map(flow),
];

const stdsOf = (m: GaussianMixture): number[] => m.stds ? [...m.stds] : new Array<number>(m.weights.length).fill(m.std);

// Reference, all f64: direct distances, log-sum-exp softmax, the per-component posterior means.
const reference = (m: GaussianMixture, x: Float32Array, f: Family): Float64Array => {
  const d = m.dim, k = m.weights.length, c2 = stdsOf(m).map((c) => c * c);
  const v = c2.map((c) => f.alpha * f.alpha * c + f.noiseVar);
  const logits = Array.from({ length: k }, (_, c) => {
    let q = 0;
    for (let j = 0; j < d; j++) q += (x[j] - f.alpha * m.means[c * d + j]) ** 2;
    return Math.log(m.weights[c]) - q / (2 * v[c]) - (d / 2) * Math.log(v[c]);
  });
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  const total = e.reduce((p, q) => p + q, 0);
  return Float64Array.from({ length: d }, (_, j) => {
    let y = 0;
    for (let c = 0; c < k; c++) {
      const mk = m.means[c * d + j];
      y += (e[c] / total) * (mk + ((f.alpha * c2[c]) / v[c]) * (x[j] - f.alpha * mk));
    }
    return y;
  });
};

const randomMixture = (u: () => number, k: number, d: number, std: number | number[]) =>
  makeMixture("t", [d], Float32Array.from({ length: k * d }, () => 4 * u() - 2), Array.from({ length: k }, () => 0.1 + u()), std);

// Rows noised from a random component under each row's family, as a sampler would see them.
const noisyRows = (u: () => number, m: GaussianMixture, fams: readonly Family[]) => {
  const d = m.dim, k = m.weights.length, stds = stdsOf(m);
  const x = new Float32Array(fams.length * d);
  fams.forEach((f, r) => {
    const c = Math.floor(u() * k), s = Math.sqrt(f.alpha * f.alpha * stds[c] ** 2 + f.noiseVar);
    for (let j = 0; j < d; j++) x[r * d + j] = f.alpha * m.means[c * d + j] + s * normal(u);
  });
  return x;
};

/** Runs x0FamilyAt on rows copied into core memory; returns a copy of the output. */
const familyX0 = (core: Core, g: ResidentMixture, x: Float32Array, fams: readonly Family[]): Float32Array => {
  const rows = fams.length, n = x.length;
  const xp = core.allocF32(n), out = core.allocF32(n), ap = core.allocF64(rows), sp = core.allocF64(rows);
  core.f32(xp, n).set(x);
  core.f64(ap, rows).set(fams.map((f) => f.alpha));
  core.f64(sp, rows).set(fams.map((f) => f.noiseVar));
  g.x0FamilyAt(out, xp, ap, sp, rows);
  return core.f32(out, n).slice();
};

// Error in f32 ulps of the reference value. The ulp is taken at max(|want|, 2^-24 scale), scale =
// max(|m|, |x|): where the mean and x terms cancel to near 0, the f64 rounding of the terms
// (~2^-50 scale) is what remains, so this floor lets through nothing larger than that.
const ulp32 = (v: number) => 2 ** (Math.floor(Math.log2(v)) - 23);
const ulpError = (got: number, want: number, scale: number) => Math.abs(got - want) / ulp32(Math.max(Math.abs(want), 2 ** -24 * scale));
// Stated tolerance: one rounding of the f64 result to f32 (0.5 ulp) plus f64 error; measured 0.500 on these cases.
const TOL_ULPS = 1;

const LENGTHS = [1, 3, 4, 5, 17, 1027];

for (const kind of ["equal", "unequal"] as const) {
  test(`x0FamilyAt matches the f64 reference on VP, Euler and flow rows (${kind} component stds)`, (t) => {
    const u = rng(kind === "equal" ? 2024 : 7);
    let worst = 0;
    for (const d of LENGTHS) {
      for (const k of d === 1027 ? [1, 6, 33] : [1, 2, 7, 33, 300]) {
        const stds = kind === "equal" ? [0.05, 0.3, 1][(d + k) % 3] : Array.from({ length: k }, (_, c) => (k === 1 ? 0.4 : 0.02 + 1.2 * u()) + c * 1e-9);
        const m = randomMixture(u, k, d, stds);
        assert.equal(m.stds !== undefined, kind === "unequal" && k > 1);
        const core = newCore();
        const g = uploadMixture(core, m);
        const x = noisyRows(u, m, FAMILIES);
        const got = familyX0(core, g, x, FAMILIES);
        FAMILIES.forEach((f, r) => {
          const row = x.subarray(r * d, (r + 1) * d);
          const want = reference(m, row, f);
          const scale = Math.max(2, ...Array.from(row, Math.abs));
          for (let j = 0; j < d; j++) {
            const e = ulpError(got[r * d + j], want[j], scale);
            worst = Math.max(worst, e);
            assert.ok(e <= TOL_ULPS, `d=${d} K=${k} ${f.label} [${j}]: ${got[r * d + j]} vs ${want[j]} (${e.toFixed(3)} ulps)`);
          }
        });
      }
    }
    t.diagnostic(`${kind} stds: worst error ${worst.toFixed(3)} f32 ulps (tolerance ${TOL_ULPS})`);
  });
}

test("equal stds on VP rows: x0FamilyAt agrees with gmmX0 to within 2 f32 ulps", () => {
  const u = rng(31337);
  const alphas = [1e-4, 0.05, 0.3, 0.7, 0.999];
  for (const d of LENGTHS) {
    for (const k of [1, 2, 7, 33]) {
      const m = randomMixture(u, k, d, [0.05, 0.3, 1][(d + k) % 3]);
      const core = newCore();
      const g = uploadMixture(core, m);
      const fams = alphas.map(vp);
      const x = noisyRows(u, m, fams);
      const got = familyX0(core, g, x, fams), want = g.x0(x, alphas);
      for (let i = 0; i < x.length; i++) {
        const e = ulpError(got[i], want[i], Math.max(2, Math.abs(x[i])));
        assert.ok(e <= 2, `d=${d} K=${k} row ${Math.floor(i / d)} [${i % d}]: ${got[i]} vs gmmX0 ${want[i]}`);
      }
    }
  }
});

test("rows are independent: a row alone, in a mixed-family batch, and in place are bitwise identical", () => {
  for (const stds of [0.2, Array.from({ length: 40 }, (_, c) => 0.05 + c / 40)]) {
    const u = rng(99);
    const d = 67, m = randomMixture(u, 40, d, stds);
    const core = newCore();
    const g = uploadMixture(core, m);
    const x = noisyRows(u, m, FAMILIES);
    const batch = familyX0(core, g, x, FAMILIES);
    FAMILIES.forEach((f, r) => {
      const alone = familyX0(core, g, x.slice(r * d, (r + 1) * d), [f]);
      assert.deepEqual(alone, batch.subarray(r * d, (r + 1) * d), `row ${r} (${f.label})`);
    });
    const reversed = [...FAMILIES].reverse();
    const xr = new Float32Array(x.length);
    reversed.forEach((_, r) => xr.set(x.subarray((FAMILIES.length - 1 - r) * d, (FAMILIES.length - r) * d), r * d));
    const back = familyX0(core, g, xr, reversed);
    FAMILIES.forEach((f, r) => assert.deepEqual(back.subarray((FAMILIES.length - 1 - r) * d, (FAMILIES.length - r) * d), batch.subarray(r * d, (r + 1) * d), `reordered ${f.label}`));
    const rows = FAMILIES.length, xp = core.allocF32(x.length), ap = core.allocF64(rows), sp = core.allocF64(rows);
    core.f32(xp, x.length).set(x);
    core.f64(ap, rows).set(FAMILIES.map((f) => f.alpha));
    core.f64(sp, rows).set(FAMILIES.map((f) => f.noiseVar));
    g.x0FamilyAt(xp, xp, ap, sp, rows);
    assert.deepEqual(core.f32(xp, x.length), batch, "out === x");
  }
});

test("per-component stds: the limits alpha = 0 (prior mean) and s = 0 (x / alpha), and the VP kernels refuse", () => {
  const u = rng(5);
  const d = 9, m = randomMixture(u, 5, d, [0.1, 0.2, 0.3, 0.4, 0.5]);
  const core = newCore();
  const g = uploadMixture(core, m);
  const x = noisyRows(u, m, [flow(1), flow(0)]);
  const got = familyX0(core, g, x, [flow(1), flow(0)]);
  for (let j = 0; j < d; j++) {
    let prior = 0;
    for (let c = 0; c < 5; c++) prior += m.weights[c] * m.means[c * d + j];
    assert.ok(ulpError(got[j], prior, 2) <= TOL_ULPS, `alpha = 0 [${j}]: ${got[j]} vs ${prior}`);
    assert.equal(got[d + j], x[d + j], `s = 0 [${j}]`);
  }
  assert.throws(() => g.eps(x, [0.5, 0.5]), /x0FamilyAt/);
  assert.throws(() => g.x0(x, [0.5, 0.5]), /x0FamilyAt/);
});
