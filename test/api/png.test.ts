import { test } from "node:test";
import assert from "node:assert/strict";
import { decode } from "fast-png";
import { encodeGrid } from "../../src/api/encode/png.ts";

test("png grid: 5 samples of 16x16 tile a 3x2 grid scaled 4x, -1 black, +1 white", () => {
  const dim = 256;
  const samples = new Float32Array(5 * dim).fill(-1);
  samples[dim] = 1; // sample 1, pixel (0, 0)
  const png = decode(encodeGrid(samples, 5, { channels: 1, height: 16, width: 16 }, { seed: "42" }));
  assert.equal(png.channels, 1);
  assert.equal(png.width, 3 * 64 + 4 * 2);
  assert.equal(png.height, 2 * 64 + 3 * 2);
  assert.equal(png.text.seed, "42");
  const at = (x: number, y: number) => png.data[y * png.width + x];
  assert.equal(at(2, 2), 0); // sample 0, top-left
  assert.equal(at(2 + 64 + 2, 2), 255); // sample 1, top-left pixel scaled to 4x4
  assert.equal(at(2 + 64 + 2 + 3, 2 + 3), 255);
  assert.equal(at(2 + 64 + 2 + 4, 2), 0);
  assert.equal(at(0, 0), 96); // gutter
});

test("png grid: channels-first RGB samples become interleaved RGB pixels", () => {
  const rgb = new Float32Array([1, -1, 0]); // R=255, G=0, B=128 for a 1x1 image
  const png = decode(encodeGrid(rgb, 1, { channels: 3, height: 1, width: 1 }));
  assert.equal(png.channels, 3);
  assert.deepEqual([...png.data.subarray((2 * png.width + 2) * 3, (2 * png.width + 2) * 3 + 3)], [255, 0, 128]);
});
