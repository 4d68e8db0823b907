// SIMD vector kernels against plain TypeScript references on lengths {0, 1, 3, 4, 5, 17, 1027}, at 16-byte
// aligned and unaligned pointers. Elementwise kernels must match a float32 reference exactly (same operation
// order); reductions must be within 2 n 2^-53 sum |terms| of a float64 sequential sum.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import * as vec from "../../src/core/vector.ts";
import { offsetPtr, type Core, type Ptr } from "../../src/core/instance.ts";

const LENGTHS = [0, 1, 3, 4, 5, 17, 1027];
const OFFSETS = [0, 1]; // elements past a 16-byte aligned pointer
const f = Math.fround;
const [A, B, C] = [0.7315, -1.25e-3, 2.0000001]; // f64 scalars; kernels round them to f32 once

let seed = 12345;
const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 6 - 3;
const SPECIAL = [0, -0, 1e-40, -3e38, 3e38, 1, -1];

// An f32 buffer of n random values (specials first when asked), plus guard elements either side.
const buffer = (core: Core, n: number, offset: number, specials = true) => {
  const ptr = offsetPtr(core.allocF32(n + offset + 5), 16 + 4 * offset);
  const v = core.f32(offsetPtr(ptr, -4), n + 2);
  v.fill(-7);
  for (let i = 0; i < n; i++) v[i + 1] = specials && i < SPECIAL.length ? SPECIAL[i] : rand();
  return { ptr, read: () => core.f32(ptr, n).slice(), guards: () => [core.f32(offsetPtr(ptr, -4), 1)[0], core.f32(offsetPtr(ptr, 4 * n), 1)[0]] };
};

const same = (got: Float32Array, want: ArrayLike<number>, what: string) => {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) assert.ok(Object.is(got[i], f(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

type Elementwise = { name: string; inputs: number; run: (core: Core, out: Ptr, ins: Ptr[], n: number) => void; ref: (i: number[]) => number };
const ELEMENTWISE: Elementwise[] = [
  // axpy works in place on y: out receives a copy of y first (so out == x is not an axpy case; y == x is tested below).
  { name: "axpy", inputs: 2, run: (c, out, [y, x], n) => (vec.copy(c, out, y, n), vec.axpy(c, out, A, x, n)), ref: ([y, x]) => f(y + f(f(A) * x)) },
  { name: "scale", inputs: 1, run: (c, out, [x], n) => vec.scale(c, out, A, x, n), ref: ([x]) => f(f(A) * x) },
  { name: "affine2", inputs: 2, run: (c, out, [x, y], n) => vec.affine2(c, out, A, x, B, y, n), ref: ([x, y]) => f(f(f(A) * x) + f(f(B) * y)) },
  {
    name: "affine3", inputs: 3, run: (c, out, [x, y, z], n) => vec.affine3(c, out, A, x, B, y, C, z, n),
    ref: ([x, y, z]) => f(f(f(f(A) * x) + f(f(B) * y)) + f(f(C) * z)),
  },
  { name: "clamp", inputs: 1, run: (c, out, [x], n) => vec.clamp(c, out, x, -1, 0.5, n), ref: ([x]) => Math.min(Math.max(x, -1), 0.5) },
  { name: "copy", inputs: 1, run: (c, out, [x], n) => vec.copy(c, out, x, n), ref: ([x]) => x },
];

test("elementwise kernels equal the float32 reference exactly, writing only out[0..n)", () => {
  const core = newCore();
  for (const k of ELEMENTWISE) for (const n of LENGTHS) for (const offset of OFFSETS) {
    const ins = Array.from({ length: k.inputs }, () => buffer(core, n, offset));
    const values = ins.map((b) => b.read());
    const out = buffer(core, n, (offset + 1) % 2, false);
    k.run(core, out.ptr, ins.map((b) => b.ptr), n);
    same(out.read(), values[0].map((_, i) => k.ref(values.map((v) => v[i]))), `${k.name} n=${n} offset=${offset}`);
    assert.deepEqual(out.guards(), [-7, -7]);
    ins.forEach((b, j) => same(b.read(), values[j], `${k.name} input ${j} untouched`));
  }
});

test("out may alias each input exactly", () => {
  const core = newCore();
  for (const k of ELEMENTWISE) for (let alias = 0; alias < (k.name === "axpy" ? 1 : k.inputs); alias++) for (const n of [5, 1027]) {
    const ins = Array.from({ length: k.inputs }, () => buffer(core, n, 0));
    const values = ins.map((b) => b.read());
    k.run(core, ins[alias].ptr, ins.map((b) => b.ptr), n);
    same(ins[alias].read(), values[0].map((_, i) => k.ref(values.map((v) => v[i]))), `${k.name} out == input ${alias}`);
  }
  const core2 = newCore(); // axpy with y == x doubles (1 + alpha) in place
  const y = buffer(core2, 17, 0);
  const before = y.read();
  vec.axpy(core2, y.ptr, A, y.ptr, 17);
  same(y.read(), Array.from(before, (v) => f(v + f(f(A) * v))), "axpy y == x");
});

test("copy handles overlapping ranges like memmove", () => {
  const core = newCore();
  const b = buffer(core, 40, 0);
  const v = b.read();
  vec.copy(core, offsetPtr(b.ptr, 4), b.ptr, 39);
  same(b.read(), [v[0], ...v.subarray(0, 39)], "copy forward by one");
});

test("clamp keeps NaN visible", () => {
  const core = newCore();
  const b = buffer(core, 9, 0);
  core.f32(b.ptr, 9).set([NaN, 2, -2, 0.25, NaN, -0, 9, NaN, -9]);
  vec.clamp(core, b.ptr, b.ptr, -1, 1, 9);
  same(b.read(), [NaN, 1, -1, 0.25, NaN, -0, 1, NaN, -1], "clamp");
});

test("reductions are within 2 n 2^-53 sum |terms| of float64 references", () => {
  const core = newCore();
  const reductions = [
    { name: "dot", run: (a: Ptr, b: Ptr, n: number) => vec.dot(core, a, b, n), term: (x: number, y: number) => x * y },
    { name: "sqnorm", run: (a: Ptr, _b: Ptr, n: number) => vec.sqnorm(core, a, n), term: (x: number) => x * x },
    { name: "sqdist", run: (a: Ptr, b: Ptr, n: number) => vec.sqdist(core, a, b, n), term: (x: number, y: number) => (x - y) ** 2 },
  ];
  for (const r of reductions) for (const n of LENGTHS) for (const offset of OFFSETS) {
    const a = buffer(core, n, offset, false), b = buffer(core, n, 1 - offset, false);
    const x = a.read(), y = b.read();
    let want = 0, magnitude = 0;
    for (let i = 0; i < n; i++) { const t = r.term(x[i], y[i]); want += t; magnitude += Math.abs(t); }
    const got = r.run(a.ptr, b.ptr, n);
    assert.ok(Math.abs(got - want) <= 2 * n * 2 ** -53 * magnitude, `${r.name} n=${n}: ${got} vs ${want}`);
    if (n === 0) assert.equal(got, 0);
  }
  const a = buffer(core, 1027, 0, false); // f32 inputs, but the sum is not rounded to f32
  const exact = Array.from(a.read()).reduce((s, v) => s + v * v, 0);
  assert.ok(Math.abs(vec.sqnorm(core, a.ptr, 1027) - exact) < 1e-9 * exact);
  assert.equal(vec.sqdist(core, a.ptr, a.ptr, 1027), 0);
});
