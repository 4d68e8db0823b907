// Inline mixtures: accepted forms, and every refusal names its field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { validateMixture, MIXTURE_LIMITS } from "../../src/models/index.ts";
import { InvalidRequestError, LimitError } from "../../src/errors.ts";

const refuses = (input: unknown, field: string, kind: typeof InvalidRequestError | typeof LimitError = InvalidRequestError) =>
  assert.throws(() => validateMixture(input), (e: unknown) => {
    assert.ok(e instanceof kind, `expected ${kind.name}, got ${String(e)}`);
    assert.equal(e.field, field);
    assert.ok(e.message.includes(field), `message names ${field}: ${e.message}`);
    return true;
  });

const ok = { type: "gmm", means: [[0, 1], [2, 3], [4, 5]], weights: [1, 2, 1], std: 0.5 };

test("a valid inline mixture is normalised and shaped", () => {
  const m = validateMixture(ok);
  assert.equal(m.id, "inline");
  assert.equal(m.dim, 2);
  assert.deepEqual(m.shape, [2]);
  assert.deepEqual(Array.from(m.weights), [0.25, 0.5, 0.25]);
  assert.deepEqual(Array.from(m.means), [0, 1, 2, 3, 4, 5]);
  assert.equal(m.std, 0.5);
  const uniform = validateMixture({ type: "gmm", means: [[1, 2, 3, 4]], std: 1, shape: [2, 2] });
  assert.deepEqual(Array.from(uniform.weights), [1]);
  assert.deepEqual(uniform.shape, [2, 2]);
});

test("malformed mixtures are refused with the offending field", () => {
  refuses("gmm", "model");
  refuses(null, "model");
  refuses({ ...ok, type: "gauss" }, "model.type");
  refuses({ ...ok, means: [] }, "model.means");
  refuses({ ...ok, means: "x" }, "model.means");
  refuses({ ...ok, means: [[]] }, "model.means[0]");
  refuses({ ...ok, means: [[0, 1], [2, 3], [4, 5], [6]] , weights: undefined }, "model.means[3]");
  refuses({ ...ok, means: [[0, 1], 7, [4, 5]] }, "model.means[1]");
  refuses({ ...ok, means: [[0, 1], [2, NaN], [4, 5]] }, "model.means[1][1]");
  refuses({ ...ok, means: [[0, 1], [2, 3], [4, "5"]] }, "model.means[2][1]");
  refuses({ ...ok, means: [[0, 1e39], [2, 3], [4, 5]] }, "model.means[0][1]");
  refuses({ ...ok, weights: [1, 2] }, "model.weights");
  refuses({ ...ok, weights: [1, 0, 1] }, "model.weights[1]");
  refuses({ ...ok, weights: [1, -2, 1] }, "model.weights[1]");
  refuses({ ...ok, weights: [1, 2, Infinity] }, "model.weights[2]");
  refuses({ ...ok, weights: [1e308, 1e308, 1] }, "model.weights");
  refuses({ ...ok, std: 0 }, "model.std");
  refuses({ ...ok, std: -1 }, "model.std");
  refuses({ ...ok, std: "0.5" }, "model.std");
  refuses({ ...ok, std: undefined }, "model.std");
  refuses({ ...ok, shape: [3] }, "model.shape");
  refuses({ ...ok, shape: [1.5, 2] }, "model.shape");
});

test("sizes beyond the limits are refused as limit errors", () => {
  const { maxComponents, maxDim, maxMeanValues } = MIXTURE_LIMITS;
  assert.deepEqual([maxComponents, maxDim, maxMeanValues], [1024, 65536, 1_048_576]);
  refuses({ type: "gmm", means: Array.from({ length: maxComponents + 1 }, () => [0]), std: 1 }, "model.means", LimitError);
  refuses({ type: "gmm", means: [new Array(maxDim + 1).fill(0)], std: 1 }, "model.means[0]", LimitError);
  const row = new Array(maxDim).fill(0);
  refuses({ type: "gmm", means: Array.from({ length: 65 }, () => row), std: 1 }, "model.means", LimitError);
});

test("the path prefix is the caller's", () => {
  assert.throws(() => validateMixture({ ...ok, std: 0 }, "denoiser.model"), (e: unknown) =>
    e instanceof InvalidRequestError && e.field === "denoiser.model.std");
});

test("per-component stds: accepted in place of std, one per mean; equal ones are a common std", () => {
  const { std: _, ...noStd } = ok;
  const m = validateMixture({ ...noStd, stds: [0.5, 1, 2] });
  assert.deepEqual(m.stds, [0.5, 1, 2]);
  assert.equal(m.std, 2);
  const same = validateMixture({ ...noStd, stds: [0.25, 0.25, 0.25] });
  assert.equal(same.stds, undefined);
  assert.equal(same.std, 0.25);
  const { minStd, maxStd } = MIXTURE_LIMITS;
  assert.deepEqual(validateMixture({ ...noStd, stds: [minStd, 1, maxStd] }).stds, [minStd, 1, maxStd]);
});

test("malformed stds are refused with the offending field", () => {
  const { std: _, ...noStd } = ok;
  refuses({ ...ok, stds: [0.5, 1, 2] }, "model.stds");
  refuses(noStd, "model.std");
  refuses({ ...noStd, stds: 0.5 }, "model.stds");
  refuses({ ...noStd, stds: [0.5, 1] }, "model.stds");
  refuses({ ...noStd, stds: [0.5, 1, 2, 3] }, "model.stds");
  refuses({ ...noStd, stds: [0.5, 0, 2] }, "model.stds[1]");
  refuses({ ...noStd, stds: [0.5, 1, -2] }, "model.stds[2]");
  refuses({ ...noStd, stds: [NaN, 1, 2] }, "model.stds[0]");
  refuses({ ...noStd, stds: [0.5, "1", 2] }, "model.stds[1]");
  refuses({ ...noStd, stds: [0.5, 1, Infinity] }, "model.stds[2]");
  refuses({ ...noStd, stds: [0.5, MIXTURE_LIMITS.minStd / 2, 2] }, "model.stds[1]");
  refuses({ ...noStd, stds: [MIXTURE_LIMITS.maxStd * 2, 1, 2] }, "model.stds[0]");
  assert.throws(() => validateMixture({ ...noStd, stds: [1, 0, 1] }, "denoiser.model"), (e: unknown) =>
    e instanceof InvalidRequestError && e.field === "denoiser.model.stds[1]");
});
