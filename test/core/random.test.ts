// Normal and uniform streams: definition, SIMD/scalar bit-identity, accuracy, slicing, and seeded
// statistical checks (each test's false-failure rate is stated; seeds are fixed, so runs are reproducible).
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import { fillNormal, fillUniform, philoxBlock, type Stream } from "../../src/core/random.ts";
import type { Core } from "../../src/core/instance.ts";
import { ksOneSample, normalCdf } from "../../tools/fixtures/stats.ts";

const S: Stream = { k0: 0x12345678, k1: 0x9abcdef0, c1: 7, c2: 1, c3: 3 };
const hooks = (core: Core) => core.raw as unknown as { normalsFromWordsF32(out: number, words: number, blocks: number, simd: number): void };

const normals = (core: Core, s: Stream, start: number, n: number): Float32Array => {
  const out = core.allocF32(n);
  fillNormal(core, out, s, start, n);
  return core.f32(out, n).slice();
};
const uniforms = (core: Core, s: Stream, start: number, n: number): Float64Array => {
  const out = core.allocF64(n);
  fillUniform(core, out, s, start, n);
  return core.f64(out, n).slice();
};
const words = (core: Core, c0: number, s: Stream): number[] => {
  const out = core.allocU32(4);
  philoxBlock(core, out, [c0, s.c1, s.c2, s.c3], [s.k0, s.k1]);
  return Array.from(core.u32(out, 4));
};
const bits = (a: Float32Array | Float64Array) => Array.from(a, (v) => (Object.is(v, -0) ? "-0" : String(v)));

// Box-Muller words: random blocks, then every pair of edge words (quadrant and log-branch boundaries, extremes).
const EDGES = [0, 1, 2, 0x7fffff, 0x800000, 0xffffff, 0x1000000, 0x1fffffff, 0x20000000, 0x20000001, 0x3fffffff,
  0x40000000, 0x5fffffff, 0x60000000, 0x7fffffff, 0x80000000, 0x9fffffff, 0xa0000000, 0xb504f333, 0xb504f334,
  0xb504f335, 0xdfffffff, 0xe0000000, 0xfffffffe, 0xffffffff];
const testWords = (core: Core): Uint32Array => {
  const blocks: number[] = [];
  for (let b = 0; b < 4096; b++) blocks.push(...words(core, b, S));
  for (const a of EDGES) for (const c of EDGES) blocks.push(a, c, c, a);
  while (blocks.length % 16 !== 0) blocks.push(0, 0xffffffff, 0xffffffff, 0);
  return Uint32Array.from(blocks);
};
const fromWords = (core: Core, w: Uint32Array, simd: number): Float32Array => {
  const blocks = w.length / 4;
  const wp = core.allocU32(w.length), out = core.allocF32(w.length);
  core.u32(wp, w.length).set(w);
  hooks(core).normalsFromWordsF32(out, wp, blocks, simd);
  return core.f32(out, w.length).slice();
};

// Exact float64 Box-Muller of one block; radius through log1p where u is near 1.
const radius = (x: number) => Math.sqrt(-2 * (x >= 2 ** 31 ? Math.log1p(-(2 ** 32 - x - 0.5) * 2 ** -32) : Math.log((x + 0.5) * 2 ** -32)));
const referenceBlock = ([x0, x1, x2, x3]: Uint32Array): { z: number[]; r: number[] } => {
  const ra = radius(x0), rb = radius(x2);
  const ta = 2 * Math.PI * (x1 + 0.5) * 2 ** -32, tb = 2 * Math.PI * (x3 + 0.5) * 2 ** -32;
  return { z: [ra * Math.cos(ta), ra * Math.sin(ta), rb * Math.cos(tb), rb * Math.sin(tb)], r: [ra, ra, rb, rb] };
};

test("SIMD and scalar Box-Muller paths are bit-identical, edge words included", () => {
  const core = newCore();
  const w = testWords(core);
  assert.equal(w.length % 16, 0); // whole SIMD groups, so every block goes through both paths
  assert.deepEqual(bits(fromWords(core, w, 1)), bits(fromWords(core, w, 0)));
});

test("normals are within 3e-7 max(1, r) of float64 Box-Muller and |z| <= 6.7638", () => {
  const core = newCore();
  const w = testWords(core);
  const z = fromWords(core, w, 1);
  for (let b = 0; b < w.length / 4; b++) {
    const ref = referenceBlock(w.subarray(4 * b, 4 * b + 4));
    for (let k = 0; k < 4; k++) {
      const got = z[4 * b + k];
      assert.ok(Math.abs(got - ref.z[k]) <= 3e-7 * Math.max(1, ref.r[k]), `block ${w.subarray(4 * b, 4 * b + 4)} k ${k}: ${got} vs ${ref.z[k]}`);
      assert.ok(Math.abs(got) <= 6.7638);
    }
  }
  const largest = fromWords(core, Uint32Array.from([0, 0, 0, 0]), 0)[0]; // u = 2^-33, angle ~ 0
  assert.ok(largest > 6.7637 && largest <= 6.7638, String(largest));
});

test("element j of a normal stream is normal j & 3 of Philox block j >> 2", () => {
  const core = newCore();
  for (const j of [0, 1, 2, 3, 4, 5, 17, 63, 64, 1027, 2 ** 31 + 6, 2 ** 32 - 1]) {
    const w = Uint32Array.from(words(core, Math.floor(j / 4), S));
    assert.equal(normals(core, S, j, 1)[0], fromWords(core, w, 0)[j % 4], `j = ${j}`);
  }
  const tail = normals(core, S, 2 ** 32 - 40, 40); // the last elements of a stream, through the SIMD path
  assert.equal(tail[39], normals(core, S, 2 ** 32 - 1, 1)[0]);
  assert.throws(() => fillNormal(core, core.allocF32(2), S, 2 ** 32 - 1, 2), RangeError);
});

test("any slice of a normal or uniform stream equals the same part of a long fill", () => {
  const core = newCore();
  const N = 1500;
  const z = normals(core, S, 0, N), u = uniforms(core, S, 0, N);
  const slices: [number, number][] = [[0, 0], [5, 0], [0, 1], [1, 1], [2, 3], [3, 1], [3, 17], [1, 16], [4, 16], [6, 15], [7, 33]];
  for (let start = 0; start < 20; start++) for (const n of [1, 2, 3, 4, 5, 13, 16, 17, 31, 32, 100]) slices.push([start, n]);
  let seed = 1;
  const next = (m: number) => ((seed = (seed * 48271) % 2147483647), seed % m);
  for (let i = 0; i < 200; i++) { const start = next(N); slices.push([start, next(N - start + 1)]); }
  for (const [start, n] of slices) {
    assert.deepEqual(bits(normals(core, S, start, n)), bits(z.subarray(start, start + n)), `normals ${start}+${n}`);
    assert.deepEqual(bits(uniforms(core, S, start, n)), bits(u.subarray(start, start + n)), `uniforms ${start}+${n}`);
  }
});

test("fills write exactly n elements", () => {
  const core = newCore();
  const z = core.allocF32(40), u = core.allocF64(40);
  for (const [start, n] of [[0, 0], [3, 0], [1, 3], [2, 17], [0, 33]]) {
    core.f32(z, 40).fill(7);
    core.f64(u, 40).fill(7);
    fillNormal(core, z, S, start, n);
    fillUniform(core, u, S, start, n);
    assert.ok(core.f32(z, 40).subarray(n).every((v) => v === 7) && core.f64(u, 40).subarray(n).every((v) => v === 7));
  }
});

test("element j of a uniform stream is (2m + 1) 2^-53 from words of Philox block j >> 1", () => {
  const core = newCore();
  for (const j of [0, 1, 2, 3, 1001, 2 ** 32 - 2, 2 ** 32 - 1]) {
    const w = words(core, Math.floor(j / 2), S);
    const [hi, lo] = j % 2 === 0 ? [w[0], w[1]] : [w[2], w[3]];
    const m = (hi >>> 12) * 2 ** 32 + lo;
    assert.equal(uniforms(core, S, j, 1)[0], (2 * m + 1) * 2 ** -53, `j = ${j}`);
  }
});

test("a different key or counter word gives a different stream", () => {
  const core = newCore();
  const z = normals(core, S, 0, 64), u = uniforms(core, S, 0, 64);
  for (const field of ["k0", "k1", "c1", "c2", "c3"] as const) {
    const other: Stream = { ...S, [field]: (S[field] ^ 1) >>> 0 };
    const zo = normals(core, other, 0, 64), uo = uniforms(core, other, 0, 64);
    assert.ok(zo.every((v, i) => v !== z[i]), `normals, ${field}`);
    assert.ok(uo.every((v, i) => v !== u[i]), `uniforms, ${field}`);
  }
});

// Statistics. Each check is a two-sided z-test at level 1e-4 (|z| > 3.8906), by the CLT at n = 2^20.
const Z_CRIT = 3.8906;
const zCheck = (name: string, value: number, mean: number, sd: number) =>
  assert.ok(Math.abs(value - mean) <= Z_CRIT * sd, `${name}: ${value}, expected ${mean} +- ${Z_CRIT} * ${sd}`);
// Kolmogorov-Smirnov: reject at alpha = 0.001 when the distance d exceeds 1.94947 / sqrt(n).

test("normal moments, lag-1 correlation and tail mass (6 checks, false-failure rate <= 6e-4)", () => {
  const core = newCore();
  const n = 2 ** 20, z = normals(core, S, 0, n);
  let m1 = 0, m2 = 0, m3 = 0, m4 = 0, lag = 0, tail = 0;
  for (let i = 0; i < n; i++) {
    const v = z[i], v2 = v * v;
    m1 += v; m2 += v2; m3 += v2 * v; m4 += v2 * v2;
    if (i + 1 < n) lag += v * z[i + 1];
    if (Math.abs(v) > 3.5) tail++;
  }
  const p = 4.652581580710e-4; // P(|Z| > 3.5)
  zCheck("mean", m1 / n, 0, Math.sqrt(1 / n));
  zCheck("E z^2", m2 / n, 1, Math.sqrt(2 / n));
  zCheck("E z^3", m3 / n, 0, Math.sqrt(15 / n));
  zCheck("E z^4", m4 / n, 3, Math.sqrt(96 / n));
  zCheck("lag-1 correlation", lag / (n - 1), 0, Math.sqrt(1 / (n - 1)));
  zCheck("tail count |z| > 3.5", tail, n * p, Math.sqrt(n * p * (1 - p)));
});

test("normals pass a Kolmogorov-Smirnov test against N(0, 1) (false-failure rate 0.001)", () => {
  const core = newCore();
  const n = 2 ** 18, z = Float64Array.from(normals(core, { ...S, c2: 2 }, 12345, n));
  assert.ok(ksOneSample(z, normalCdf).d <= 1.94947 / Math.sqrt(n));
});

test("uniforms are odd multiples of 2^-53 in (0, 1); moments and lag-1 correlation (3 checks, rate <= 3e-4)", () => {
  const core = newCore();
  const n = 2 ** 20, u = uniforms(core, S, 0, n);
  let m1 = 0, m2 = 0, lag = 0;
  for (let i = 0; i < n; i++) {
    const v = u[i], k = v * 2 ** 53;
    assert.ok(v > 0 && v < 1 && Number.isInteger(k) && k % 2 === 1, `u[${i}] = ${v}`);
    m1 += v; m2 += v * v;
    if (i + 1 < n) lag += (v - 0.5) * (u[i + 1] - 0.5);
  }
  zCheck("mean", m1 / n, 0.5, Math.sqrt(1 / 12 / n));
  zCheck("E u^2", m2 / n, 1 / 3, Math.sqrt(4 / 45 / n));
  zCheck("lag-1 covariance", lag / (n - 1), 0, 1 / 12 / Math.sqrt(n - 1));
});

test("uniforms pass a Kolmogorov-Smirnov test against U(0, 1) (false-failure rate 0.001)", () => {
  const core = newCore();
  const n = 2 ** 18, u = uniforms(core, { ...S, c2: 2 }, 777, n);
  assert.ok(ksOneSample(u, (x) => x).d <= 1.94947 / Math.sqrt(n));
});
