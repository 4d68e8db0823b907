import { test } from "node:test";
import assert from "node:assert/strict";
import { checkLimits, LIMITS, requestBytes, requestCpuMs, worstCaseRows } from "../../src/api/limits.ts";
import { LimitError } from "../../src/errors.ts";

const glyphs = { numSamples: 16, dim: 256, steps: 100, window: 8, components: 288 };

test("limits: the README's glyphs request fits every limit", () => {
  checkLimits(glyphs);
  assert.ok(requestBytes(glyphs) < LIMITS.memoryBytes / 4);
  assert.ok(requestCpuMs(glyphs) < 2000);
});

test("limits: each limit is refused with a LimitError that names it", () => {
  const refuse = (size: typeof glyphs, name: RegExp, field: string) =>
    assert.throws(() => checkLimits(size), (e: unknown) => e instanceof LimitError && name.test(e.message) && e.field === field);
  refuse({ ...glyphs, numSamples: 4096, dim: 512 }, /output_values/, "num_samples");
  refuse({ ...glyphs, numSamples: 2048, window: 32 }, /memory/, "num_samples");
  refuse({ ...glyphs, numSamples: 64, steps: 1000, window: 32 }, /limit cpu/, "steps");
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
