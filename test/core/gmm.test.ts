// gmmEps / gmmX0 in core.wasm against a plain float64 reference computed from the definition.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import { uploadMixture } from "../../src/core/gmm.ts";
import { makeMixture, type GaussianMixture } from "../../src/models/index.ts";

// Small seeded generator for test inputs (xorshift32 -> [0, 1)).
const rng = (seed: number) => () => {
  seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
};
const normal = (u: () => number) => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());

// Reference: direct distances |x - sqrt(a) m_k|^2, log-sum-exp softmax, all in f64.
const reference = (m: GaussianMixture, x: Float32Array, a: number, what: "eps" | "x0") => {
  const d = m.dim, k = m.weights.length, s2 = m.std * m.std;
  const sa = Math.sqrt(a), v = a * s2 + 1 - a;
  const logits = Array.from({ length: k }, (_, c) => {
    let q = 0;
    for (let j = 0; j < d; j++) q += (x[j] - sa * m.means[c * d + j]) ** 2;
    return Math.log(m.weights[c]) - q / (2 * v);
  });
  const top = Math.max(...logits);
  const e = logits.map((l) => Math.exp(l - top));
  const total = e.reduce((p, q) => p + q, 0);
  return Float64Array.from({ length: d }, (_, j) => {
    let mbar = 0;
    for (let c = 0; c < k; c++) mbar += (e[c] / total) * m.means[c * d + j];
    return what === "eps" ? -Math.sqrt(1 - a) * (sa * mbar - x[j]) / v : ((1 - a) * mbar + sa * s2 * x[j]) / v;
  });
};

const randomMixture = (u: () => number, k: number, d: number, std: number) =>
  makeMixture("t", [d], Float32Array.from({ length: k * d }, () => 4 * u() - 2), Array.from({ length: k }, () => 0.1 + u()), std);

// Rows near a random component at the matching noise level, as a sampler would see them.
const noisyRows = (u: () => number, m: GaussianMixture, alphas: number[]) => {
  const d = m.dim, k = m.weights.length;
  const x = new Float32Array(alphas.length * d);
  alphas.forEach((a, r) => {
    const c = Math.floor(u() * k), v = a * m.std ** 2 + 1 - a;
    for (let j = 0; j < d; j++) x[r * d + j] = Math.sqrt(a) * m.means[c * d + j] + Math.sqrt(v) * normal(u);
  });
  return x;
};

// Tolerance: one f32 rounding of the result (2^-23 relative, doubled), plus f64 rounding of the logits
// (|x|, |m| <= ~10 here) amplified by sqrt(1 - a) / v: 1e-9 of that scale.
const assertClose = (got: Float32Array, want: Float64Array, scale: number, label: string) => {
  for (let j = 0; j < want.length; j++) {
    const tol = 2 ** -22 * Math.abs(want[j]) + 1e-9 * scale;
    assert.ok(Math.abs(got[j] - want[j]) <= tol, `${label} [${j}]: ${got[j]} vs ${want[j]} (tol ${tol})`);
  }
};

test("gmmEps and gmmX0 match the float64 reference over d, K, a and s", () => {
  const u = rng(12345);
  const alphas = [1e-4, 0.3, 0.999];
  for (const d of [1, 2, 3, 5, 17, 64, 512]) {
    for (const k of [1, 2, 7, 33, 300]) {
      const std = [0.05, 0.3, 1][(d + k) % 3];
      const m = randomMixture(u, k, d, std);
      const gmm = uploadMixture(newCore(), m);
      const x = noisyRows(u, m, alphas);
      const eps = gmm.eps(x, alphas), x0 = gmm.x0(x, alphas);
      alphas.forEach((a, r) => {
        const row = x.subarray(r * d, (r + 1) * d);
        const v = a * std * std + 1 - a;
        const label = `d=${d} K=${k} a=${a} s=${std}`;
        assertClose(eps.subarray(r * d, (r + 1) * d), reference(m, row, a, "eps"), (1 + Math.sqrt(1 - a) / v) * 10, `eps ${label}`);
        assertClose(x0.subarray(r * d, (r + 1) * d), reference(m, row, a, "x0"), (1 + 1 / v) * 10, `x0 ${label}`);
      });
    }
  }
});

test("a one-component mixture gives the Gaussian formula eps = -sqrt(1-a)(sqrt(a) m - x)/v to 1 ulp", () => {
  const u = rng(777);
  for (const d of [1, 3, 8, 33]) {
    const m = randomMixture(u, 1, d, 0.2);
    const gmm = uploadMixture(newCore(), m);
    for (const a of [0, 1e-4, 0.5, 0.999, 1]) {
      const x = Float32Array.from({ length: d }, () => 3 * normal(u));
      const eps = gmm.eps(x, [a]);
      const v = a * 0.04 + 1 - a;
      for (let j = 0; j < d; j++) {
        const want = Math.fround(-Math.sqrt(1 - a) * (Math.sqrt(a) * m.means[j] - x[j]) / v);
        const ulp = Math.max(2 ** -149, 2 ** (Math.floor(Math.log2(Math.abs(want) || 1)) - 23));
        assert.ok(Math.abs(eps[j] - want) <= ulp, `d=${d} a=${a} [${j}]: ${eps[j]} vs ${want}`);
      }
    }
  }
});

test("far-away states give finite outputs (log-sum-exp), matching the reference", () => {
  const u = rng(99);
  const m = randomMixture(u, 40, 17, 0.05);
  const gmm = uploadMixture(newCore(), m);
  for (const far of [1e3, -1e6, 1e12]) {
    const x = Float32Array.from({ length: 17 }, (_, j) => far * (1 + j / 17));
    for (const a of [1e-4, 0.3, 0.999]) {
      const eps = gmm.eps(x, [a]);
      assert.ok(eps.every(Number.isFinite), `far=${far} a=${a}`);
      const want = reference(m, x, a, "eps");
      for (let j = 0; j < 17; j++) assert.ok(Math.abs(eps[j] - want[j]) <= 2 ** -21 * Math.abs(want[j]), `far=${far} a=${a} [${j}]`);
    }
  }
});

test("rows are independent: a row alone, in a batch, and evaluated in place are bitwise identical", () => {
  const u = rng(4242);
  const m = randomMixture(u, 300, 67, 0.1);
  const core = newCore();
  const gmm = uploadMixture(core, m);
  const alphas = [0.999, 1e-4, 0.5, 0.3, 0.9];
  const x = noisyRows(u, m, alphas);
  const batch = gmm.eps(x, alphas);
  alphas.forEach((a, r) => {
    const alone = gmm.eps(x.slice(r * 67, (r + 1) * 67), [a]);
    assert.deepEqual(alone, batch.subarray(r * 67, (r + 1) * 67), `row ${r}`);
  });
  const xp = core.allocF32(x.length), out = core.allocF32(x.length), ap = core.allocF64(5);
  core.f32(xp, x.length).set(x);
  core.f64(ap, 5).set(alphas);
  gmm.epsAt(out, xp, ap, 5);
  assert.deepEqual(core.f32(out, x.length), batch, "separate output buffer");
  gmm.epsAt(xp, xp, ap, 5);
  assert.deepEqual(core.f32(xp, x.length), batch, "out === x");
});

test("x0 and eps agree through x0 = (x - sqrt(1-a) eps) / sqrt(a)", () => {
  const u = rng(5);
  const m = randomMixture(u, 12, 20, 0.3);
  const gmm = uploadMixture(newCore(), m);
  const alphas = [0.05, 0.5, 0.95];
  const x = noisyRows(u, m, alphas);
  const eps = gmm.eps(x, alphas), x0 = gmm.x0(x, alphas);
  for (let i = 0; i < x.length; i++) {
    const a = alphas[Math.floor(i / 20)];
    const implied = (x[i] - Math.sqrt(1 - a) * eps[i]) / Math.sqrt(a);
    assert.ok(Math.abs(implied - x0[i]) <= 1e-5 * (1 + Math.abs(x[i]) / Math.sqrt(a)), `[${i}]`);
  }
});

test("uploadMixture refuses a batch whose size does not match", () => {
  const gmm = uploadMixture(newCore(), makeMixture("t", [3], new Float32Array(6), [1, 1], 0.5));
  assert.throws(() => gmm.eps(new Float32Array(5), [0.5, 0.5]), RangeError);
});
