// The wire's FP16 converter, bit for bit against @petamoriken/float16 (the maintained reference).
import assert from "node:assert/strict";
import { test } from "node:test";
import { getFloat16, setFloat16 } from "@petamoriken/float16";
import { fromFp16Bytes, roundToFp16, toFp16Bytes } from "../../src/denoisers/oip/fp16.ts";

const referenceBits = (values: Float32Array): Uint16Array => {
  const view = new DataView(new ArrayBuffer(values.length * 2));
  for (let i = 0; i < values.length; i++) setFloat16(view, 2 * i, values[i], true);
  return new Uint16Array(view.buffer);
};

// NaN payloads are free to differ: compare NaN-ness, and bits otherwise.
const assertSameHalves = (got: Uint16Array, want: Uint16Array, input: Float32Array) => {
  for (let i = 0; i < got.length; i++) {
    const gotNaN = (got[i] & 0x7c00) === 0x7c00 && (got[i] & 0x3ff) !== 0;
    const wantNaN = (want[i] & 0x7c00) === 0x7c00 && (want[i] & 0x3ff) !== 0;
    if (gotNaN || wantNaN) assert.equal(gotNaN, wantNaN, `NaN-ness of ${input[i]}`);
    else if (got[i] !== want[i]) assert.fail(`${input[i]} (f32 bits ${new Uint32Array(input.buffer)[i].toString(16)}): got ${got[i].toString(16)}, want ${want[i].toString(16)}`);
  }
};

const halvesOf = (values: Float32Array) => new Uint16Array(toFp16Bytes(values).buffer);

test("decoding: all 2^16 half patterns give the reference float", () => {
  const bits = Uint16Array.from({ length: 65536 }, (_, i) => i);
  const got = fromFp16Bytes(new Uint8Array(bits.buffer));
  const view = new DataView(bits.buffer);
  for (let i = 0; i < 65536; i++) {
    const want = getFloat16(view, 2 * i, true);
    if (Number.isNaN(want)) assert.ok(Number.isNaN(got[i]), `half ${i.toString(16)}`);
    else assert.ok(Object.is(got[i], want), `half ${i.toString(16)}: got ${got[i]}, want ${want}`);
  }
});

test("encoding: every half value, and every midpoint between neighbours (ties to even), match the reference", () => {
  const floats = fromFp16Bytes(new Uint8Array(Uint16Array.from({ length: 65536 }, (_, i) => i).buffer));
  assertSameHalves(halvesOf(floats), referenceBits(floats), floats);
  // Midpoints and their float32 neighbours, for both signs, across the whole range (subnormals included).
  const probes: number[] = [];
  for (let h = 0; h < 0x7c00; h++) {
    const mid = (floats[h] + floats[h + 1]) / 2;
    const m32 = Math.fround(mid);
    const below = new Float32Array([m32]);
    const bits = new Uint32Array(below.buffer);
    probes.push(m32, -m32);
    bits[0] -= 1;
    probes.push(below[0], -below[0]);
    bits[0] += 2;
    probes.push(below[0], -below[0]);
  }
  const input = Float32Array.from(probes);
  assertSameHalves(halvesOf(input), referenceBits(input), input);
});

test("encoding: 2^21 random float32 bit patterns and the special values match the reference", () => {
  const bits = new Uint32Array(1 << 21);
  let s = 0x9e3779b9;
  for (let i = 0; i < bits.length; i++) {
    s ^= s << 13; s ^= s >>> 17; s ^= s << 5;
    bits[i] = s >>> 0;
  }
  // Bias half of them to the exponents binary16 can hold, where the rounding happens.
  for (let i = 0; i < bits.length; i += 2) bits[i] = (bits[i] & 0x807fffff) | ((bits[i] >>> 23) % 40 + 100) << 23;
  const input = new Float32Array(bits.buffer);
  assertSameHalves(halvesOf(input), referenceBits(input), input);
  const special = Float32Array.of(0, -0, Infinity, -Infinity, NaN, 65504, 65519.99, 65520, -65520, 1e9, 2 ** -24, 2 ** -25, 2 ** -25 * 1.0001, 2 ** -14, 1e-30);
  assertSameHalves(halvesOf(special), referenceBits(special), special);
  assert.deepEqual(Array.from(roundToFp16(special)).slice(5, 10), [65504, 65504, Infinity, -Infinity, Infinity]);
});

test("decoding works on a tensor at an odd byte offset (after a JSON header)", () => {
  const values = Float32Array.of(1, -2.5, 0.333251953125, 65504);
  const bytes = new Uint8Array(1 + 8);
  bytes.set(toFp16Bytes(values), 1);
  assert.deepEqual(fromFp16Bytes(bytes.subarray(1)), values);
});
