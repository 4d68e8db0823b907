import { test } from "node:test";
import assert from "node:assert/strict";
import { builtinConfigs, loadModels, type ModelCatalog, type SettingsChecks } from "../../src/config/index.ts";
import { oipConfigOf } from "../../src/denoisers/oip/index.ts";

const entry = { id: "glyphs-fast", provider: "embedded", mixture: "glyphs", defaults: { steps: 25, draft: { window: 4 } } };
const oipSettings = { base_url: "http://gpu.internal:8000", model_name: "unet", inputs: { sample: "sample", timestep: "timestep" }, output: "out" };
const remote = (settings: Record<string, unknown>) => ({ id: "remote", provider: "oip", shape: [2], settings: { ...oipSettings, ...settings } });

const BUILTINS = builtinConfigs().map((m) => m.id);
const listed = (c: ModelCatalog, id: string) => c.entries.find((e) => (e.available ? e.config.id : e.id) === id);

test("config: the built-in analytic models are always there, with unclipped DDPM defaults", () => {
  const catalog = loadModels(undefined);
  assert.deepEqual(catalog.models.map((m) => m.id).slice(0, 3), ["ring-2d", "gmm-512", "glyphs"]);
  assert.deepEqual(catalog.models.map((m) => m.id), BUILTINS);
  assert.deepEqual(catalog.errors, []);
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

test("config: each broken entry is listed unavailable with its reason; the other entries serve", () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ ...entry, id: "a", mixture: "nope" }, /needs "mixture"/],
    [{ ...entry, id: "b", provider: "gpu" }, /^provider: /],
    [{ id: "c", provider: "oip" }, /"shape" is required/],
    [{ ...entry, id: "d", scheduler: { beta_schedule: "cosine" } }, /^scheduler\.beta_schedule: unsupported beta_schedule "cosine"/],
    [{ ...entry, id: "e", defaults: { steps: 5000 } }, /defaults\.steps 5000 exceeds num_train_timesteps 1000/],
    [{ ...entry, id: "f", defaults: { draft: { window: 0 } } }, /^defaults\.draft\.window: /],
    [{ ...entry, id: "g", shape: [3] }, /shape does not match mixture glyphs/],
    [{ ...entry, id: "h", colour: "red" }, /colour/],
    [{ ...entry, id: "bad id!" }, /^id: id must be/],
  ];
  const catalog = loadModels([entry, ...bad.map(([e]) => e)]);
  assert.ok(catalog.find("glyphs-fast"), "the good entry serves");
  assert.deepEqual(catalog.errors, []);
  for (const [e, reason] of bad) {
    const id = e.id as string;
    assert.equal(catalog.find(id), undefined, id);
    const l = listed(catalog, id);
    assert.ok(l && !l.available, `${id} is listed as unavailable`);
    assert.match(l.reason, reason, id);
    assert.equal(catalog.unavailable(id), `its MODELS entry is invalid: ${l.reason}`, id);
  }
  assert.deepEqual(catalog.entries.map((e) => (e.available ? e.config.id : e.id)), [...BUILTINS, "glyphs-fast", ...bad.map(([e]) => e.id)]);
  assert.equal(catalog.unavailable("glyphs-fast"), undefined);
  assert.equal(catalog.unavailable("no-such-model"), undefined, "an unknown id is not 'unavailable' while MODELS reads");
});

test("config: MODELS that is not JSON (or not an array) leaves the built-ins serving and every other id unavailable", () => {
  for (const [raw, message] of [["[{not json", /MODELS is not valid JSON/], ['{"id": "x"}', /MODELS must be a JSON array/]] as const) {
    const catalog = loadModels(raw);
    assert.deepEqual(catalog.models.map((m) => m.id), BUILTINS);
    assert.equal(catalog.errors.length, 1);
    assert.match(catalog.errors[0], message);
    assert.match(catalog.unavailable("glyphs-fast") ?? "", message);
    assert.equal(catalog.unavailable("glyphs"), undefined);
  }
});

test("config: a built-in's id is refused (the built-in serves), an id given twice serves neither entry", () => {
  const catalog = loadModels([{ ...entry, id: "glyphs", defaults: { steps: 3 } }, { ...entry, id: "twice" }, entry, { ...entry, id: "twice", defaults: { steps: 7 } }, { provider: "embedded" }, 7]);
  assert.equal(catalog.find("glyphs")!.defaults.steps, 100, "the built-in, not the entry");
  assert.ok(catalog.find("glyphs-fast"));
  assert.equal(catalog.find("twice"), undefined);
  assert.equal(catalog.entries.filter((e) => !e.available && e.id === "twice").length, 1, "listed once");
  assert.match(catalog.unavailable("twice") ?? "", /configured more than once \(MODELS\[1\], MODELS\[3\]\)/);
  assert.deepEqual(catalog.errors.length, 3);
  assert.match(catalog.errors[0], /^MODELS\[0\]: id "glyphs" is a built-in model's/);
  assert.match(catalog.errors[1], /^MODELS\[4\]: .*"id"/);
  assert.match(catalog.errors[2], /^MODELS\[5\]: /);
});

test("config: provider settings are checked when the catalog loads, and reasons name the field", () => {
  const checks: SettingsChecks = { oip: oipConfigOf };
  const good = loadModels([remote({})], checks);
  assert.equal(good.find("remote")?.provider, "oip");
  const bad = loadModels([remote({ base_url: "nope" }), entry], checks);
  assert.equal(bad.find("remote"), undefined);
  assert.ok(bad.find("glyphs-fast"));
  const l = listed(bad, "remote");
  assert.ok(l && !l.available);
  assert.equal(l.provider, "oip");
  assert.equal(l.reason, 'settings.base_url: base_url "nope" is not a URL');
  assert.match(loadModels([remote({ sample_shape: [3] })], checks).unavailable("remote") ?? "", /sample_shape \[3\] differs from shape \[2\]/);
  // Without a check for the provider the settings wait for first use.
  assert.ok(loadModels([remote({ base_url: "nope" })]).find("remote"));
});

test("config: an entry is parsed and checked once per MODELS value, a string or an equal structured var", () => {
  let calls = 0;
  const checks: SettingsChecks = { oip: () => void calls++ };
  const raw = JSON.stringify([remote({}), entry]);
  const first = loadModels(raw, checks);
  assert.equal(loadModels(raw, checks), first);
  assert.equal(loadModels(JSON.parse(raw), checks), first);
  assert.equal(calls, 1);
  const other = loadModels([entry], checks);
  assert.notEqual(other, first);
  assert.equal(other.find("remote"), undefined);
});

test("config: a check that fails unexpectedly is logged and listed without its details", (t) => {
  const logged = t.mock.method(console, "error", () => undefined);
  const catalog = loadModels([remote({})], { oip: () => { throw new TypeError("secret internals"); } });
  assert.doesNotMatch(catalog.unavailable("remote") ?? "", /secret internals/);
  assert.match(catalog.unavailable("remote") ?? "", /could not be checked/);
  assert.equal(logged.mock.callCount(), 1);
});
