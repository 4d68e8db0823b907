// The size limits: each refused with a 413 naming it, and the memory formula's headline cases.
import { test } from "node:test";
import assert from "node:assert/strict";
import { checkLimits, LIMITS, requestBytes, requestCpuMs, worstCaseRows, type RequestSize } from "../../src/api/limits.ts";
import { LimitError } from "../../src/errors.ts";

const glyphs: RequestSize = { numSamples: 16, dim: 256, steps: 100, window: 8, frozenTarget: false, preview: false, components: 288, wireBytes: 0, output: "json", image: null };

test("limits: the README's glyphs request fits every limit", () => {
  checkLimits(glyphs);
  assert.ok(requestBytes(glyphs) < LIMITS.isolateRequestBytes / 16);
  assert.ok(requestCpuMs(glyphs) < 2000);
});

test("limits: each limit is refused with a LimitError that names it and the field to change", () => {
  const refuse = (size: RequestSize, name: RegExp, field: string) =>
    assert.throws(() => checkLimits(size), (e: unknown) => e instanceof LimitError && name.test(e.message) && e.field === field, `${name}`);
  refuse({ ...glyphs, numSamples: 4096, dim: 512 }, /output_values/, "num_samples");
  refuse({ ...glyphs, numSamples: 2048 }, /json_values.*npy/, "output");
  refuse({ ...glyphs, numSamples: 4096, dim: 256, window: 32, output: "npy" }, /memory.*at most \d+ samples fit/, "num_samples");
  refuse({ ...glyphs, numSamples: 64, steps: 1000, window: 32 }, /limit cpu/, "steps");
});

test("limits: a sample too large at its window names the largest window that fits, not num_samples", () => {
  const huge: RequestSize = { ...glyphs, numSamples: 1, dim: 3 * 512 * 512, steps: 28, window: 32, components: 4, output: "npy" };
  assert.throws(() => checkLimits(huge), (e: unknown) => e instanceof LimitError && e.field === "draft.window" && /draft.window at most \d+/.test(e.message));
});

test("limits: one SD3-sized latent chain (16 x 128 x 128) at L = 16 and one 3 x 256 x 256 chain at L = 16 are admitted", () => {
  const latent: RequestSize = { ...glyphs, numSamples: 1, dim: 16 * 128 * 128, steps: 28, window: 16, components: 4 };
  checkLimits(latent);
  checkLimits({ ...latent, components: 0, wireBytes: 4 }); // the same latent from a remote FP32 provider
  checkLimits({ ...latent, dim: 3 * 256 * 256, output: "npy" });
  // About (L + 4) rows per chain plus the request's six scratch rows and the mixture: well under the old 96 MiB.
  const perValue = requestBytes({ ...latent, output: "npy" }) / latent.dim;
  assert.ok(perValue < 4 * (16 + 4 + 6 + 4 + 2) + 30, `bytes per value ${perValue}`);
});

test("limits: memory grows with L + 4 rows per chain, the wire bytes of one round, and the answer's format", () => {
  const base = { ...glyphs, numSamples: 64, dim: 4096, components: 0, output: "npy" as const };
  const perChainRow = (requestBytes({ ...base, window: 9 }) - requestBytes(base)) / base.numSamples / base.dim;
  assert.ok(Math.abs(perChainRow - 4) < 0.05, `one more window row costs 4 bytes a value per chain, got ${perChainRow}`);
  const wire = requestBytes({ ...base, wireBytes: 4 }) - requestBytes(base);
  assert.equal(wire, base.numSamples * (base.window + 1) * 2 * base.dim * 4, "request body and answer bytes of one round");
  assert.ok(requestBytes({ ...base, output: "json" }) > requestBytes(base) + 40 * base.numSamples * base.dim, "JSON text is counted");
  const png = { ...base, output: "png" as const, image: { channels: 3 as const, height: 1, width: 1 }, dim: 3, numSamples: 4096 };
  assert.ok(requestBytes(png) > 4096 * 64 * 64 * 3, "the PNG grid's upscaled pixels are counted");
});

test("limits: CPU is charged for num_samples x steps x (window + 1) rows, each growing with dim and components", () => {
  const base = requestCpuMs(glyphs);
  assert.equal(worstCaseRows(glyphs), 16 * 100 * 9);
  assert.equal(requestCpuMs({ ...glyphs, numSamples: 32 }), 2 * base);
  assert.equal(requestCpuMs({ ...glyphs, steps: 200 }), 2 * base);
  assert.equal(requestCpuMs({ ...glyphs, window: 17 }), 2 * base);
  assert.ok(requestCpuMs({ ...glyphs, dim: 512 }) > 1.9 * base);
  assert.ok(requestCpuMs({ ...glyphs, components: 0 }) < base / 10, "a remote denoiser's time is not Worker CPU");
});

