import { test } from "node:test";
import assert from "node:assert/strict";
import { encodeNpy } from "../../src/api/encode/npy.ts";
import { parseNpy } from "./npy-reader.ts";

test("npy: header is 64-byte aligned, declares <f4 C-order and the shape; data round-trips", () => {
  const data = Float32Array.from({ length: 12 }, (_, i) => i / 3 - 1);
  const bytes = encodeNpy(data, [3, 2, 2]);
  const npy = parseNpy(bytes);
  assert.equal(npy.dataOffset % 64, 0);
  assert.equal(npy.descr, "<f4");
  assert.equal(npy.fortranOrder, false);
  assert.deepEqual(npy.shape, [3, 2, 2]);
  assert.deepEqual(npy.data, data);
});

test("npy: a 1-D shape is written as a one-element tuple", () => {
  const npy = parseNpy(encodeNpy(new Float32Array(5), [5]));
  assert.deepEqual(npy.shape, [5]);
  assert.match(npy.header, /'shape': \(5,\)/);
});
