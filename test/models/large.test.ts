// The latent- and image-sized built-ins: content pinned, statistics as documented, exact through the core at full size.
import { test } from "node:test";
import assert from "node:assert/strict";
import { uploadMixture } from "../../src/core/gmm.ts";
import { builtinModel } from "../../src/models/index.ts";
import { buildLatent16 } from "../../src/models/latent16.ts";
import type { GaussianMixture } from "../../src/models/mixture.ts";
import { buildRgb256, RGB_PATTERNS } from "../../src/models/rgb256.ts";
import { bellFromBytes } from "../../src/models/seeded.ts";
import { newCore } from "../../tools/fixtures/core.ts";

// FNV-1a over the f32 bytes of the means (as in builtins.test.ts).
const checksum = (a: Float32Array): string => {
  let h = 0x811c9dc5;
  for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
};

const distance = (m: GaussianMixture, i: number, j: number): number => {
  let q = 0;
  for (let t = 0; t < m.dim; t++) q += (m.means[i * m.dim + t] - m.means[j * m.dim + t]) ** 2;
  return Math.sqrt(q);
};

test("latent-16x128: [16, 128, 128], 4 equal components, pinned deterministic means", () => {
  const m = buildLatent16();
  assert.deepEqual(m.shape, [16, 128, 128]);
  assert.equal(m.dim, 262_144);
  assert.equal(m.means.length, 4 * 262_144);
  assert.deepEqual([...m.weights], [0.25, 0.25, 0.25, 0.25]);
  assert.equal(m.std, 0.5);
  assert.equal(checksum(m.means), "e144d113");
  assert.deepEqual(buildLatent16().means, m.means, "a fresh build is identical");
});

test("latent-16x128: every channel of every component is centred with variance 1 - s^2 (unit overall)", () => {
  const m = buildLatent16();
  const plane = 128 * 128;
  // A plane's sample mean has std sqrt(0.75 / 16384) = 0.0068 and its variance about 0.75 +- 0.006:
  // the bounds are 5 to 6 sigma (false-failure rate below 1e-6 over the 64 planes).
  for (let p = 0; p < 4 * 16; p++) {
    let s = 0, q = 0;
    for (let i = p * plane; i < (p + 1) * plane; i++) {
      s += m.means[i];
      q += m.means[i] * m.means[i];
    }
    const mean = s / plane, variance = q / plane - mean * mean;
    assert.ok(Math.abs(mean) < 0.04, `plane ${p} mean ${mean}`);
    assert.ok(Math.abs(variance - 0.75) < 0.04, `plane ${p} variance ${variance}`);
  }
  assert.ok(m.means.every((v) => Math.abs(v) <= 3), "Irwin-Hall of 4 bytes is bounded by 3.45 x sqrt(0.75)");
  // sqrt(2 x 0.75 x d) = 627 apart, far beyond a component's radius s sqrt(d) = 256.
  for (let i = 0; i < 4; i++) for (let j = 0; j < i; j++) {
    const r = distance(m, i, j);
    assert.ok(r > 610 && r < 645, `distance ${i},${j} = ${r}`);
  }
});

test("rgb-256: [3, 256, 256], 4 smooth colour patterns in [-0.8, 0.8], pinned deterministic means", () => {
  const m = buildRgb256();
  assert.deepEqual(m.shape, [3, 256, 256]);
  assert.equal(m.dim, 196_608);
  assert.equal(RGB_PATTERNS.length, 4);
  assert.deepEqual([...m.weights], [0.25, 0.25, 0.25, 0.25]);
  assert.equal(m.std, 0.1);
  assert.equal(checksum(m.means), "6bcc8405");
  assert.deepEqual(buildRgb256().means, m.means, "a fresh build is identical");
  assert.ok(m.means.every((v) => v >= -0.8000001 && v <= 0.8000001));
  const at = (k: number, c: number, y: number, x: number) => m.means[k * m.dim + c * 65536 + y * 256 + x];
  // Smooth: neighbouring pixels differ by less than 0.06 in every channel of every pattern.
  let step = 0;
  for (let k = 0; k < 4; k++) for (let c = 0; c < 3; c++) for (let y = 0; y < 255; y++) for (let x = 0; x < 255; x++) {
    step = Math.max(step, Math.abs(at(k, c, y, x + 1) - at(k, c, y, x)), Math.abs(at(k, c, y + 1, x) - at(k, c, y, x)));
  }
  assert.ok(step < 0.06 && step > 0.01, `largest neighbour step ${step}`);
  const rgb = (k: number, y: number, x: number) => [0, 1, 2].map((c) => Math.round(at(k, c, y, x) * 10) / 10);
  assert.deepEqual(rgb(0, 100, 0), [0.8, -0.6, -0.8], "pattern 0 starts red on the left");
  assert.deepEqual(rgb(0, 100, 255), [-0.8, -0.4, 0.8], "and ends blue on the right");
  assert.deepEqual(rgb(1, 255, 30), [-0.2, 0.6, -0.6], "pattern 1 is green at the bottom");
  assert.deepEqual(rgb(2, 128, 128), [0.8, 0.7, -0.6], "pattern 2 has a yellow centre");
  assert.deepEqual(rgb(2, 0, 0), [-0.6, -0.8, -0.2], "fading to purple in the corners");
  assert.notDeepEqual(rgb(3, 0, 16), rgb(3, 0, 0), "pattern 3 has stripes");
  // Modes far apart against a component's radius s sqrt(d) = 44.
  for (let i = 0; i < 4; i++) for (let j = 0; j < i; j++) assert.ok(distance(m, i, j) > 200, `distance ${i},${j}`);
});

// Exact eps of the noised mixture in f64 (ALGORITHMS.md; assembly/gmm.ts), as a reference for the core.
const referenceEps = (m: GaussianMixture, x: Float32Array, a: number): Float64Array => {
  const K = m.weights.length, d = m.dim, sa = Math.sqrt(a), v = a * m.std ** 2 + 1 - a;
  const logits = Array.from({ length: K }, (_, k) => {
    let q = 0;
    for (let t = 0; t < d; t++) q += (x[t] - sa * m.means[k * d + t]) ** 2;
    return Math.log(m.weights[k]) - q / (2 * v);
  });
  const best = Math.max(...logits);
  const p = logits.map((l) => Math.exp(l - best));
  const total = p.reduce((s, w) => s + w, 0);
  const eps = new Float64Array(d);
  for (let t = 0; t < d; t++) {
    let mbar = 0;
    for (let k = 0; k < K; k++) mbar += (p[k] / total) * m.means[k * d + t];
    eps[t] = (-Math.sqrt(1 - a) * (sa * mbar - x[t])) / v;
  }
  return eps;
};

test("the embedded denoiser is exact at full size (core.wasm against an f64 reference)", () => {
  for (const id of ["latent-16x128", "rgb-256"]) {
    const m = builtinModel(id)!;
    const core = newCore();
    const resident = uploadMixture(core, m);
    // Rows noised from component 1, from a mixed posterior (a = 1e-6 for the latent, 1e-4 for rgb) to near the data.
    for (const a of [1e-6, 1e-4, 0.9]) {
      const x = Float32Array.from({ length: m.dim }, (_, t) => Math.sqrt(a) * m.means[m.dim + t] + Math.sqrt(1 - a) * bellFromBytes(99, t));
      const got = resident.eps(x, [a]);
      const want = referenceEps(m, x, a);
      let worst = 0;
      for (let t = 0; t < m.dim; t++) worst = Math.max(worst, Math.abs(got[t] - want[t]) / (1e-3 + Math.abs(want[t])));
      assert.ok(worst < 1e-5, `${id} at a = ${a}: worst relative error ${worst}`);
    }
  }
});
