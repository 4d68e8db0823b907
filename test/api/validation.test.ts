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

test("validation: defaults fill num_samples and stream, output stays unset (Accept decides); scheduler drops diffusers keys it never reads", () => {
  const r = SampleRequestSchema.parse({ model: "glyphs", scheduler: { _diffusers_version: "0.30.0", beta_end: 0.02 } });
  assert.equal(r.num_samples, 1);
  assert.equal(r.output, undefined);
  assert.equal(r.stream, false);
  assert.deepEqual(r.scheduler, { beta_end: 0.02 });
});

const errorOf = (body: unknown) => {
  const r = SampleRequestSchema.safeParse(body);
  assert.equal(r.success, false);
  return toInvalidRequest(r.error!);
};

test("validation: every unknown field is named (field: the first), with the right name for known aliases", () => {
  const e = errorOf({ model: "glyphs", num_inference_steps: 50, guidance: 7.5, colour: "red", n: 4 });
  assert.equal(e.field, "num_inference_steps");
  assert.match(e.message, /^4 unknown fields: /);
  assert.match(e.message, /num_inference_steps \(use steps\)/);
  assert.match(e.message, /guidance \(not supported[^)]*\)/);
  assert.match(e.message, /colour(,|$)/);
  assert.match(e.message, /n \(use num_samples\)/);
  // Unknown keys at several depths are all named, even beside another invalid value.
  const nested = errorOf({ model: "glyphs", method: "fast", draft: { lookahead: 4 }, format: "png" });
  assert.equal(nested.field, "draft.lookahead");
  assert.match(nested.message, /^2 unknown fields: draft\.lookahead \(use draft\.window\), format \(use output\)$/);
});

test("validation: each alias points at its field", () => {
  const hints: [string, RegExp][] = [
    ["batch_size", /use num_samples/], ["num_images_per_prompt", /use num_samples/], ["scheduler_config", /use scheduler\)/],
    ["random_seed", /use seed\)/], ["generator", /use seed\)/], ["window", /use draft\.window/], ["lookahead", /use draft\.window/],
  ];
  for (const [key, hint] of hints) {
    const e = errorOf({ model: "glyphs", [key]: 1 });
    assert.equal(e.field, key);
    assert.match(e.message, new RegExp(`^${key} \\(`));
    assert.match(e.message, hint);
    assert.match(e.message, /is not a known field$/);
  }
  assert.equal(errorOf({ model: "glyphs", colour: "red" }).message, "colour is not a known field");
});

test("validation: a request with very many unknown fields names the first ones and counts the rest", () => {
  const body: Record<string, unknown> = { model: "glyphs" };
  for (let i = 0; i < 40; i++) body[`x${i}`] = i;
  const e = errorOf(body);
  assert.equal(e.field, "x0");
  assert.match(e.message, /^40 unknown fields: x0, x1, .*x15 and 24 more$/);
});
