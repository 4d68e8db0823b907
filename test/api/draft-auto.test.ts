// draft.window "auto" and draft.latency through the API: the request's draft object as sampler options, the
// schema's checks, and a served request.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { draftOptions } from "../../src/api/draft.ts";
import { resolveModel } from "../../src/api/model.ts";
import { SampleRequestSchema } from "../../src/api/schemas/index.ts";
import { loadModels } from "../../src/config/index.ts";
import { DEFAULT_LATENCY } from "../../src/sampler/latency.ts";
import { MAX_WINDOW } from "../../src/sampler/options.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import type { ErrorBody, SampleBody } from "./client.ts";

const catalog = loadModels(undefined);
const glyphs = resolveModel("glyphs", catalog);

test("draft options: a fixed window, auto with the model's default latency, a given latency, measured", () => {
  assert.deepEqual(draftOptions(glyphs, { window: 8 }).auto, null);
  assert.equal(draftOptions(glyphs, { window: 8 }).window, 8);
  const auto = draftOptions(glyphs, { window: "auto" });
  assert.equal(auto.window, MAX_WINDOW);
  // A built-in model runs in the Worker: no round trip, its rows cost CPU only.
  assert.equal(auto.auto?.latency.rttMs, 0);
  assert.ok((auto.auto?.latency.c1Ms ?? 0) > 0);
  assert.deepEqual(draftOptions(glyphs, { window: "auto", latency: { rtt_ms: 25, c0_ms: 2, c1_ms: 0.5 } }).auto, { latency: { rttMs: 25, c0Ms: 2, c1Ms: 0.5 }, measured: false });
  assert.equal(draftOptions(glyphs, { window: "auto", latency: "measured" }).auto?.measured, true);
  assert.throws(() => draftOptions(glyphs, { window: 8, latency: "measured" }), { field: "draft.latency" });
  assert.throws(() => draftOptions(glyphs, { latency: { rtt_ms: 1, c0_ms: 1, c1_ms: 1 } }), { field: "draft.latency" });
  assert.notDeepEqual(DEFAULT_LATENCY, auto.auto?.latency);
});

test("the schema takes window \"auto\" and a latency object or \"measured\", and refuses others", () => {
  const ok = (draft: unknown) => SampleRequestSchema.safeParse({ model: "glyphs", draft }).success;
  assert.ok(ok({ window: "auto" }));
  assert.ok(ok({ window: "auto", latency: "measured" }));
  assert.ok(ok({ window: "auto", latency: { rtt_ms: 25, c0_ms: 2, c1_ms: 0.02 } }));
  assert.ok(ok({ freeze: "gaussian" }));
  assert.ok(!ok({ window: "fast" }));
  assert.ok(!ok({ window: "auto", latency: { rtt_ms: -1, c0_ms: 2, c1_ms: 0.02 } }));
  assert.ok(!ok({ window: "auto", latency: { rtt_ms: 25 } }));
  assert.ok(!ok({ window: "auto", latency: "guess" }));
});

const app = createApp({ coreModule: coreModule() });
const post = (body: unknown) => app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

test("POST /v1/samples with window auto answers, replays bit for bit; a latency without auto is 422 draft.latency", async () => {
  const body = { model: "gmm-512", num_samples: 2, steps: 30, seed: 3, draft: { window: "auto", latency: { rtt_ms: 25, c0_ms: 2, c1_ms: 0.02 } } };
  const a = (await (await post(body)).json()) as SampleBody;
  const b = (await (await post(body)).json()) as SampleBody;
  assert.deepEqual(a.samples, b.samples);
  assert.ok(a.stats.rounds < 30, `rounds ${a.stats.rounds}`);
  const res = await post({ model: "gmm-512", draft: { window: 8, latency: "measured" } });
  assert.equal(res.status, 422);
  assert.equal(((await res.json()) as ErrorBody).error.field, "draft.latency");
});
