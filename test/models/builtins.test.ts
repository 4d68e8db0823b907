// Built-in mixtures: advertised sizes, content pinned by checksums, fixed structure.
import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinModel, builtinModels, glyphComponent, GLYPH_CHARS, resolveModel } from "../../src/models/index.ts";
import { buildGlyphs } from "../../src/models/glyphs.ts";
import { buildMixture512 } from "../../src/models/mixture512.ts";
import { buildRing2d } from "../../src/models/ring2d.ts";
import { InvalidRequestError } from "../../src/errors.ts";

// FNV-1a over the f32 bytes of the means: any change of content, order or rounding changes it.
const checksum = (a: Float32Array): string => {
  let h = 0x811c9dc5;
  for (const b of new Uint8Array(a.buffer, a.byteOffset, a.byteLength)) h = Math.imul(h ^ b, 0x01000193);
  return (h >>> 0).toString(16).padStart(8, "0");
};

test("the registry advertises what is built", () => {
  const ids = builtinModels().map((b) => b.id);
  assert.deepEqual(ids, ["ring-2d", "gmm-512", "glyphs", "latent-16x128", "rgb-256"]);
  for (const info of builtinModels()) {
    const m = builtinModel(info.id)!;
    assert.equal(m.id, info.id);
    assert.deepEqual(m.shape, info.shape);
    assert.equal(m.dim, info.shape.reduce((p, n) => p * n, 1));
    assert.equal(m.weights.length, info.components);
    assert.equal(m.means.length, info.components * m.dim);
    assert.equal(m.std, info.std);
    assert.ok(Math.abs(m.weights.reduce((p, w) => p + w, 0) - 1) < 1e-12, `${info.id} weights sum to 1`);
    assert.ok(m.means.every(Number.isFinite));
    assert.equal(builtinModel(info.id), m, "built once, cached");
  }
  assert.equal(builtinModel("nope"), undefined);
});

test("built-in content is deterministic (pinned checksums, fresh builds equal)", () => {
  const pinned = { "ring-2d": "07ccab65", "gmm-512": "6cb09ce8", glyphs: "bf8a95c5" };
  for (const [build, id] of [[buildRing2d, "ring-2d"], [buildMixture512, "gmm-512"], [buildGlyphs, "glyphs"]] as const) {
    const a = build(), b = build();
    assert.deepEqual(a.means, b.means);
    assert.deepEqual(a.weights, b.weights);
    assert.equal(checksum(a.means), pinned[id], `${id} checksum`);
  }
});

test("ring-2d: 8 equal components at radius 3, 45 degrees apart", () => {
  const m = buildRing2d();
  for (let k = 0; k < 8; k++) {
    const [x, y] = [m.means[2 * k], m.means[2 * k + 1]];
    assert.ok(Math.abs(Math.hypot(x, y) - 3) < 1e-6);
    const angle = (Math.atan2(y, x) + 2 * Math.PI) % (2 * Math.PI);
    assert.ok(Math.abs(angle - (k * Math.PI) / 4) < 1e-6);
    assert.equal(m.weights[k], 1 / 8);
  }
});

test("gmm-512: unit per-coordinate variance overall, well separated, increasing weights", () => {
  const m = buildMixture512();
  let sq = 0;
  for (const v of m.means) sq += v * v;
  const meanVar = sq / m.means.length; // target 1 - s^2 = 0.75
  assert.ok(Math.abs(meanVar - 0.75) < 0.05, `mean square ${meanVar}`);
  for (let k = 1; k < 8; k++) assert.ok(m.weights[k] > m.weights[k - 1]);
  for (let i = 0; i < 8; i++) {
    for (let j = 0; j < i; j++) {
      let q = 0;
      for (let t = 0; t < 512; t++) q += (m.means[i * 512 + t] - m.means[j * 512 + t]) ** 2;
      assert.ok(Math.sqrt(q) > 20 && Math.sqrt(q) < 36, `distance ${i},${j} = ${Math.sqrt(q)}`);
    }
  }
});

test("glyphs: 288 distinct 16x16 images in {-1, +1}, every character present", () => {
  const m = buildGlyphs();
  assert.ok(m.means.every((v) => v === 1 || v === -1));
  const seen = new Set<string>();
  for (let k = 0; k < 288; k++) {
    const img = m.means.subarray(k * 256, (k + 1) * 256);
    const ink = img.filter((v) => v === 1).length;
    assert.ok(ink >= 20 && ink <= 140, `component ${k} ink ${ink}`);
    seen.add(Array.from(img, (v) => (v > 0 ? "#" : ".")).join(""));
  }
  assert.equal(seen.size, 288, "every component is a different image");
  const chars = new Set(Array.from({ length: 288 }, (_, k) => glyphComponent(k).char));
  assert.equal([...chars].join(""), GLYPH_CHARS);
  // Component 0 is a regular "0" at (dx, dy) = (2, 0): its top-left ink pixel is at row 0, column 4.
  assert.deepEqual(glyphComponent(0), { char: "0", bold: false, dx: 2, dy: 0 });
  assert.equal(m.means[0 * 16 + 4], 1);
  assert.equal(m.means[0 * 16 + 3], -1);
});

test("resolveModel: built-in ids, inline mixtures, unknown ids named", () => {
  assert.equal(resolveModel("ring-2d").id, "ring-2d");
  assert.equal(resolveModel({ type: "gmm", means: [[0, 0]], std: 1 }).id, "inline");
  assert.throws(() => resolveModel("ring-3d", "request.model"), (e: unknown) =>
    e instanceof InvalidRequestError && e.field === "request.model" && /ring-3d/.test(e.message));
});
