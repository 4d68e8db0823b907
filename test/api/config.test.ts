import { test } from "node:test";
import assert from "node:assert/strict";
import { ConfigError, loadModels } from "../../src/config/index.ts";

const entry = { id: "glyphs-fast", provider: "embedded", mixture: "glyphs", defaults: { steps: 25, draft: { window: 4 } } };

test("config: the built-in analytic models are always there, with unclipped DDPM defaults", () => {
  const catalog = loadModels(undefined);
  assert.deepEqual(catalog.models.map((m) => m.id), ["ring-2d", "gmm-512", "glyphs"]);
  const glyphs = catalog.find("glyphs")!;
  assert.deepEqual(glyphs.shape, [16, 16]);
  assert.equal(glyphs.scheduler.clip_sample, false);
});

test("config: MODELS as a JSON string or a structured var adds typed entries with merged defaults", () => {
  for (const raw of [JSON.stringify([entry]), [entry]]) {
    const m = loadModels(raw).find("glyphs-fast")!;
    assert.deepEqual(m.shape, [16, 16]);
    assert.equal(m.defaults.steps, 25);
    assert.equal(m.defaults.draft.window, 4);
    assert.equal(m.defaults.draft.type, "free"); // from the built-in defaults
  }
});

test("config: a wrong MODELS is a ConfigError naming the entry", () => {
  const bad: Array<[unknown, RegExp]> = [
    ["not json", /not valid JSON/],
    [[{ ...entry, id: "glyphs" }], /already taken/],
    [[{ ...entry, mixture: "nope" }], /mixture/],
    [[{ ...entry, provider: "gpu" }], /provider/],
    [[{ id: "remote", provider: "oip" }], /shape/],
    [[{ ...entry, scheduler: { beta_schedule: "cosine" } }], /beta_schedule/],
    [[{ ...entry, defaults: { steps: 5000 } }], /num_train_timesteps/],
  ];
  for (const [raw, message] of bad) assert.throws(() => loadModels(raw), (e: unknown) => e instanceof ConfigError && message.test(e.message));
});
