// Conditional pipelines through the app (Node, app.request) against an analytic class-conditional flow
// model served in process (tools/fixtures/conditional-provider.ts): request fields refused where a model
// cannot use them, what the denoiser, encoder and decoder are sent, guidance rows and stats, caching, and
// exactness of block against the guided sequential sampler.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createApp } from "../../src/app.ts";
import { oipConfigOf, oipRemoteProvider } from "../../src/denoisers/oip/index.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import { classOfPrompt, conditionalFetch, conditionalModels, decodeLatent, NULL_CLASS, type LoggedCall } from "../../tools/fixtures/conditional-provider.ts";
import { projectedP } from "../../tools/fixtures/two-sample-projections.ts";
import type { ErrorBody, SampleBody } from "./client.ts";

const log: LoggedCall[] = [];
const app = createApp({ coreModule: coreModule(), providers: { oip: oipRemoteProvider({ fetch: conditionalFetch(log) }) }, settingsChecks: { oip: oipConfigOf } });
// An SD 1.5-shaped prompt model (latent [4, 64, 64], CLIP embeddings [77, 768]) that no call reaches: for the limits.
const sdLike = {
  id: "sd-like", provider: "oip", shape: [4, 64, 64], scheduler: { _class_name: "DDPMScheduler" },
  settings: { base_url: "http://cond.test", model_name: "absent", inputs: { sample: "sample", timestep: "timestep" }, output: "eps" },
  conditioning: { type: "prompt", input: "encoder_hidden_states", embedding_shape: [77, 768] },
  encoder: { base_url: "http://cond.test", model_name: "absent-encoder", input: "prompt", output: "embeds" },
};
const env = { MODELS: JSON.stringify([...conditionalModels(), sdLike]) };

interface PipelineBody extends SampleBody {
  pipeline?: { conditioning: string | null; guidance_scale: number; guidance: string; rows_per_evaluation: number; encoder_calls: number; cached_prompts: number; decoder_calls: number; decoded: boolean; value_range: [number, number] | null; round_trips: number };
}

const post = (body: Record<string, unknown>) =>
  app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ num_samples: 4, seed: 1, ...body }) }, env);

const ok = async (res: Response): Promise<PipelineBody> => {
  const text = await res.text();
  assert.equal(res.status, 200, text);
  return JSON.parse(text) as PipelineBody;
};

const refused = async (res: Response, field: string, message: RegExp) => {
  const text = await res.text();
  assert.equal(res.status, 422, text);
  const { error } = JSON.parse(text) as ErrorBody;
  assert.equal(error.field, field, text);
  assert.match(error.message, message);
};

const callsTo = (model: string, from: number) => log.slice(from).filter((c) => c.model === model);

describe("fields a model cannot use are refused with 422 naming the field and the model", () => {
  test("unconditional models take no conditioning", async () => {
    await refused(await post({ model: "ring-2d", class_labels: 3 }), "class_labels", /model "ring-2d" is unconditional/);
    await refused(await post({ model: "ring-2d", prompt: "a 3" }), "prompt", /model "ring-2d" is unconditional/);
    await refused(await post({ model: "ring-2d", guidance_scale: 2 }), "guidance_scale", /unconditional/);
    await refused(await post({ model: "ring-2d", decode: true }), "decode", /model "ring-2d" has no decoder/);
  });
  test("a class-label model takes no prompt; a prompt model no class labels", async () => {
    await refused(await post({ model: "cond-2d", prompt: "3" }), "prompt", /model "cond-2d" is conditioned on class labels and has no prompt encoder/);
    await refused(await post({ model: "cond-2d", class_labels: 3, negative_prompt: "x" }), "negative_prompt", /null class 10/);
    await refused(await post({ model: "prompt-2d", class_labels: 3 }), "class_labels", /model "prompt-2d" is conditioned on prompts/);
    await refused(await post({ model: "prompt-2d", negative_prompt: "x" }), "negative_prompt", /needs prompt/);
    await refused(await post({ model: "prompt-2d", prompt: "3", decode: true }), "decode", /has no decoder/);
  });
  test("classes out of range, per-sample arrays of the wrong length, guidance without a condition", async () => {
    await refused(await post({ model: "cond-2d", class_labels: 11 }), "class_labels", /class 11 is not one of model "cond-2d"'s classes 0..9/);
    await refused(await post({ model: "cond-2d", class_labels: [1, 2, 99, 3] }), "class_labels[2]", /class 99/);
    await refused(await post({ model: "cond-2d", class_labels: [1, 2] }), "class_labels", /2 entries; give one value, or one per sample \(num_samples = 4\)/);
    await refused(await post({ model: "cond-2d", guidance_scale: 2 }), "guidance_scale", /guidance needs a condition: give class_labels/);
    const res = await post({ model: "cond-2d", class_labels: -1 });
    assert.equal(res.status, 422);
  });
});

describe("class labels with guidance in rows", () => {
  test("each chain goes as a conditional and a null-class row in the same call; stats count both", async () => {
    const from = log.length;
    const body = await ok(await post({ model: "cond-2d", class_labels: [3, 5, 3, 5], guidance_scale: 3, method: "sequential", decode: false }));
    const calls = callsTo("cond-unet", from);
    assert.equal(calls.length, body.stats.rounds);
    assert.deepEqual(calls[0].inputs.class_labels.values, [3, NULL_CLASS, 5, NULL_CLASS, 3, NULL_CLASS, 5, NULL_CLASS]);
    assert.equal(calls[0].inputs.class_labels.datatype, "INT64");
    // Both rows of a chain carry the same state and timestep.
    const x = calls[0].inputs.sample.values as number[];
    assert.deepEqual(x.slice(0, 2), x.slice(2, 4));
    assert.equal(body.pipeline?.rows_per_evaluation, 2);
    assert.equal(body.stats.target_rows, 2 * 4 * 20);
    assert.equal(body.pipeline?.round_trips, body.stats.rounds);
    assert.deepEqual(body.samples.shape, [4, 2]);
  });
  test("guidance 1 sends the conditional rows only; guidance 0 the null-class rows only", async () => {
    let from = log.length;
    const one = await ok(await post({ model: "cond-2d", class_labels: 7, guidance_scale: 1, method: "sequential", decode: false }));
    assert.deepEqual(callsTo("cond-unet", from)[0].inputs.class_labels.values, [7, 7, 7, 7]);
    assert.equal(one.pipeline?.rows_per_evaluation, 1);
    assert.equal(one.stats.target_rows, 4 * 20);
    from = log.length;
    await ok(await post({ model: "cond-2d", class_labels: 7, guidance_scale: 0, method: "sequential", decode: false }));
    assert.deepEqual(callsTo("cond-unet", from)[0].inputs.class_labels.values, [NULL_CLASS, NULL_CLASS, NULL_CLASS, NULL_CLASS]);
  });
  test("no condition samples the unconditional model (null class, one row per chain)", async () => {
    const from = log.length;
    await ok(await post({ model: "cond-2d", method: "sequential", decode: false }));
    assert.deepEqual(callsTo("cond-unet", from)[0].inputs.class_labels.values, [NULL_CLASS, NULL_CLASS, NULL_CLASS, NULL_CLASS]);
  });
  test("guidance in rows and guidance by the provider give the same samples (u + w (c - u))", async () => {
    const req = { class_labels: [1, 4, 6, 8], guidance_scale: 4, method: "sequential", scheduler: { stochastic_sampling: false }, seed: 9, decode: false };
    const rows = await ok(await post({ model: "cond-2d", ...req }));
    const from = log.length;
    const provider = await ok(await post({ model: "guided-2d", ...req }));
    const calls = callsTo("guided-unet", from);
    assert.deepEqual(calls[0].inputs.guidance_scale.values, [4, 4, 4, 4]);
    assert.equal(provider.pipeline?.rows_per_evaluation, 1);
    assert.equal(provider.stats.target_rows, 4 * 20);
    // The same combination in float64 (provider) and float32 (Worker): equal up to rounding.
    rows.samples.data.forEach((v, i) => assert.ok(Math.abs(v - provider.samples.data[i]) < 1e-4, `${v} vs ${provider.samples.data[i]}`));
  });
});

describe("decoder", () => {
  test("answers decode the latents in one call; decode: false answers the latents", async () => {
    const req = { model: "cond-2d", class_labels: 2, seed: 5 };
    const latents = await ok(await post({ ...req, decode: false }));
    const from = log.length;
    const images = await ok(await post(req));
    assert.equal(callsTo("decoder", from).length, 1);
    assert.deepEqual(images.samples.shape, [4, 1, 2, 2]);
    assert.deepEqual(images.pipeline?.value_range, [0, 1]);
    assert.equal(images.pipeline?.round_trips, images.stats.rounds + 1);
    const want = Array.from({ length: 4 }, (_, r) => decodeLatent(latents.samples.data.slice(2 * r, 2 * r + 2))).flat();
    images.samples.data.forEach((v, i) => assert.ok(Math.abs(v - want[i]) < 1e-6));
  });
  test("png draws the decoded images, their range mapped to 0..255", async () => {
    const res = await post({ model: "cond-2d", class_labels: 2, output: "png" });
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get("content-type"), "image/png");
    await refused(await post({ model: "cond-2d", class_labels: 2, output: "png", decode: false }), "output", /has latents of shape \[2\]/);
  });
  test("GET /v1/models lists conditioning, guidance and the decoded shape", async () => {
    const res = await app.request("/v1/models/cond-2d", {}, env);
    const m = (await res.json()) as Record<string, unknown>;
    assert.deepEqual(m.conditioning, { type: "class_labels", num_classes: 10, null_class: 10 });
    assert.deepEqual(m.guidance, { default_scale: 3, mode: "rows" });
    assert.deepEqual(m.decoder, { output_shape: [1, 2, 2], output_range: [0, 1] });
    assert.equal(m.image, true);
  });
});

describe("limits count guided rows and their embeddings", () => {
  test("10 chains fit without guidance; with it, rows and embeddings double and the request is refused naming num_samples", async () => {
    const body = { model: "sd-like", num_samples: 10, prompt: "a cat", steps: 20, method: "block", draft: { window: 16 } };
    const unguided = await post({ ...body, guidance_scale: 1 });
    assert.notEqual(unguided.status, 413, await unguided.text());
    const res = await post({ ...body, guidance_scale: 7.5 });
    const text = await res.text();
    assert.equal(res.status, 413, text);
    const { error } = JSON.parse(text) as ErrorBody;
    assert.equal(error.field, "num_samples");
    assert.match(error.message, /2 rows per chain for guidance/);
  });
});

describe("prompts", () => {
  test("the encoder gets the distinct prompts once (negative included), then the isolate's cache answers", async () => {
    const from = log.length;
    const first = await ok(await post({ model: "prompt-2d", prompt: ["3", "digit 3", "3", "7"], negative_prompt: "", method: "sequential" }));
    const enc = callsTo("encoder", from);
    assert.equal(enc.length, 1);
    assert.deepEqual(enc[0].inputs.prompt, { datatype: "BYTES", shape: [4], values: ["3", "digit 3", "7", ""] });
    assert.equal(first.pipeline?.encoder_calls, 1);
    assert.equal(first.pipeline?.round_trips, first.stats.rounds + 1);
    const again = await ok(await post({ model: "prompt-2d", prompt: "7", method: "sequential" }));
    assert.equal(again.pipeline?.encoder_calls, 0);
    assert.equal(again.pipeline?.cached_prompts, 2);
    // Each row carries its chain's embedding: the conditional one, then the negative prompt's.
    const unet = callsTo("prompt-unet", from)[0].inputs.encoder_hidden_states;
    assert.deepEqual(unet.shape, [8, 1, 4]);
    assert.deepEqual((unet.values as number[]).filter((_, i) => i % 4 === 0), [3, -1, 3, -1, 3, -1, 7, -1]);
  });
  test("a prompt naming a class gives the same samples as that class label, for the same seed", async () => {
    assert.equal(classOfPrompt("digit 6"), 6);
    const byPrompt = await ok(await post({ model: "prompt-2d", prompt: "digit 6", guidance_scale: 2.5, seed: 11 }));
    const byLabel = await ok(await post({ model: "cond-2d", class_labels: 6, guidance_scale: 2.5, seed: 11, decode: false }));
    assert.deepEqual(byPrompt.samples.data, byLabel.samples.data);
  });
});

// Block against the guided sequential sampler, class 3 at w = 3: the exactness statistic
// (projectedP: KS on 4 projections and the norm, Bonferroni) refuses at p < 1e-3, so this arm fails
// falsely with probability at most 1e-3. The control arm (w = 1 against w = 3) must be refused.
describe("exactness under guidance", () => {
  const N = 400;
  const draw = async (method: string, w: number, seed: number, extra: Record<string, unknown> = {}) => {
    const body = await ok(await post({ model: "cond-2d", num_samples: N, class_labels: 3, guidance_scale: w, method, seed, decode: false, ...extra }));
    return { x: Float32Array.from(body.samples.data), body };
  };
  test("block (window 8) matches the guided sequential sampler; guidance 1 does not", async () => {
    const seq = await draw("sequential", 3, 101);
    const block = await draw("block", 3, 202, { draft: { window: 8 } });
    const p = projectedP(seq.x, block.x, 2);
    assert.ok(p >= 1e-3, `block vs guided sequential: p = ${p}`);
    assert.ok(block.body.stats.rounds < seq.body.stats.rounds, `block took ${block.body.stats.rounds} rounds`);
    const unguided = await draw("sequential", 1, 303);
    const control = projectedP(seq.x, unguided.x, 2);
    assert.ok(control < 1e-3, `guidance 3 vs 1 should differ: p = ${control}`);
  });
});
