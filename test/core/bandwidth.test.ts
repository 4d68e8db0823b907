// STREAM kernels of bench/bandwidth.ts against scalar float32 references on lengths {0, 1, 3, 4, 5, 17, 1027},
// at 16-byte aligned and unaligned pointers: exact results, nothing written outside out[0..n), inputs untouched.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import type { Core } from "../../src/core/instance.ts";

interface BandwidthKernels {
  streamCopy(out: number, x: number, n: number): void;
  streamTriad(out: number, b: number, q: number, c: number, n: number): void;
}

const LENGTHS = [0, 1, 3, 4, 5, 17, 1027];
const OFFSETS = [0, 1]; // elements past a 16-byte aligned pointer
const Q = 0.7315; // f64; the triad rounds it to f32 once
const f = Math.fround;
const GUARD = -7;

let seed = 777;
const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647) * 6 - 3;
const SPECIAL = [-0, 1e-40, 3e38, -3e38, NaN, Infinity];

// A byte offset as the facade's pointer type.
const ptrAt = (p: number) => p as Parameters<Core["f32"]>[0];

// n values (specials first) at offset elements past an aligned pointer, with a guard element either side.
const buffer = (core: Core, n: number, offset: number, fill = true) => {
  const ptr = core.allocF32(n + offset + 5) + 16 + 4 * offset;
  const v = core.f32(ptrAt(ptr - 4), n + 2);
  v.fill(GUARD);
  if (fill) for (let i = 0; i < n; i++) v[i + 1] = i < SPECIAL.length ? SPECIAL[i] : rand();
  const view = (p: number, m: number) => core.f32(ptrAt(p), m).slice();
  return { ptr, read: () => view(ptr, n), guards: () => [view(ptr - 4, 1)[0], view(ptr + 4 * n, 1)[0]] };
};

const same = (got: Float32Array, want: ArrayLike<number>, what: string) => {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < got.length; i++) assert.ok(Object.is(got[i], f(want[i])), `${what}[${i}]: ${got[i]} vs ${want[i]}`);
};

const triadRef = (b: Float32Array, c: Float32Array) => Array.from(b, (bi, i) => f(bi + f(f(Q) * c[i])));

test("streamCopy and streamTriad equal scalar float32 references, writing only out[0..n)", () => {
  const core = newCore();
  const k = core.raw as unknown as BandwidthKernels;
  for (const n of LENGTHS) for (const offset of OFFSETS) {
    const x = buffer(core, n, offset), copyOut = buffer(core, n, 1 - offset, false);
    const xs = x.read();
    k.streamCopy(copyOut.ptr, x.ptr, n);
    same(copyOut.read(), xs, `copy n=${n} offset=${offset}`);
    assert.deepEqual(copyOut.guards(), [GUARD, GUARD], `copy n=${n} guards`);
    same(x.read(), xs, "copy input untouched");

    const b = buffer(core, n, offset), c = buffer(core, n, 1 - offset), out = buffer(core, n, offset, false);
    const [bs, cs] = [b.read(), c.read()];
    k.streamTriad(out.ptr, b.ptr, Q, c.ptr, n);
    same(out.read(), triadRef(bs, cs), `triad n=${n} offset=${offset}`);
    assert.deepEqual(out.guards(), [GUARD, GUARD], `triad n=${n} guards`);
    same(b.read(), bs, "triad b untouched");
    same(c.read(), cs, "triad c untouched");
  }
});

test("out may alias an input exactly", () => {
  const core = newCore();
  const k = core.raw as unknown as BandwidthKernels;
  for (const n of LENGTHS) {
    const b = buffer(core, n, 1), c = buffer(core, n, 1);
    const [bs, cs] = [b.read(), c.read()];
    k.streamTriad(b.ptr, b.ptr, Q, c.ptr, n); // a = a + q c
    same(b.read(), triadRef(bs, cs), `triad out == b, n=${n}`);
    k.streamTriad(c.ptr, b.ptr, Q, c.ptr, n); // c = a + q c
    same(c.read(), triadRef(b.read(), cs), `triad out == c, n=${n}`);
    k.streamCopy(b.ptr, b.ptr, n);
    same(b.read(), triadRef(bs, cs), `copy onto itself, n=${n}`);
    assert.deepEqual(b.guards(), [GUARD, GUARD]);
  }
});
