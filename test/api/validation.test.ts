import { test } from "node:test";
import assert from "node:assert/strict";
import { SampleRequestSchema } from "../../src/api/schemas/index.ts";
import { fieldName, toInvalidRequest } from "../../src/api/validation.ts";

const fieldOf = (body: unknown) => {
  const r = SampleRequestSchema.safeParse(body);
  assert.equal(r.success, false);
  return toInvalidRequest(r.error!).field;
};

test("validation: field paths read like the domain validators' (model.means[1][0])", () => {
  assert.equal(fieldName(["model", "means", 1, 0]), "model.means[1][0]");
  assert.equal(fieldName([]), "body");
});

test("validation: the first issue's field is named, through unions and unknown keys", () => {
  assert.equal(fieldOf({}), "model");
  assert.equal(fieldOf({ model: 5 }), "model");
  assert.equal(fieldOf({ model: { type: "gmm", means: [[1, 2], [3, "x"]], std: 1 } }), "model.means[1][1]");
  assert.equal(fieldOf({ model: "glyphs", draft: { window: 33 } }), "draft.window");
  assert.equal(fieldOf({ model: "glyphs", draft: { windw: 4 } }), "draft.windw");
  assert.equal(fieldOf({ model: "glyphs", colour: "red" }), "colour");
  assert.equal(fieldOf({ model: "glyphs", seed: -1 }), "seed");
  assert.equal(fieldOf({ model: "glyphs", scheduler: { beta_schedule: "cosine" } }), "scheduler.beta_schedule");
});

test("validation: defaults fill num_samples, output and stream; scheduler drops diffusers keys it never reads", () => {
  const r = SampleRequestSchema.parse({ model: "glyphs", scheduler: { _diffusers_version: "0.30.0", beta_end: 0.02 } });
  assert.equal(r.num_samples, 1);
  assert.equal(r.output, "json");
  assert.equal(r.stream, false);
  assert.deepEqual(r.scheduler, { beta_end: 0.02 });
});
