// The conditional digits pipeline (models/digits-cond) through the deployable bundle (Miniflare) and the
// reference provider serving its four ONNX stages, configured by the committed wrangler.toml entries
// digits-cond (class labels) and digits-prompt (prompts). Exactness is with respect to the GUIDED
// sequential sampler (guidance 3, the entries' default): u + w (c - u) is the model the samplers share.
//
// Exactness: token and block (the entry's default draft: x0 freeze, L = 16, bonus) against sequential on
// the latents, 1000 samples each (classes 0..9 in turn), KS on 4 fixed projections and the norm with
// Bonferroni (tools/fixtures/two-sample-projections.ts), refused at p < 1e-3: each comparison fails with
// probability <= 1e-3 when the samplers agree, <= 2e-3 over the two. A control (guidance 1 against 3)
// must be refused. Classification: a softmax regression fitted here to the training digits
// (tools/fixtures/digit-classifier.ts); with a true accuracy of 0.95 or more, 500 samples measure below
// the 0.85 threshold with probability < 1e-9 (binomial), so those checks fail falsely with negligible
// probability. Seeds are fixed: a run is deterministic.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { postSamples } from "../api/client.ts";
import { parseNpy } from "../api/npy-reader.ts";
import { conditionalEntry, startConditionalProvider } from "../../tools/fixtures/conditional-learned.ts";
import { accuracy, fitDigitClassifier, labelledDigits, type DigitClassifier } from "../../tools/fixtures/digit-classifier.ts";
import { once, projectedP } from "../../tools/fixtures/two-sample-projections.ts";
import type { Provider } from "../../tools/provider/server.ts";

const ALPHA = 1e-3;
const N = 1000;
const LATENT = 32;
const classes = (n: number) => Array.from({ length: n }, (_, i) => i % 10);

describe("conditional digits through the Worker and the reference provider", () => {
  let p: Provider;
  let mf: Miniflare;
  before(async () => {
    p = await startConditionalProvider();
    const MODELS = JSON.stringify([conditionalEntry("digits-cond", p.url), conditionalEntry("digits-prompt", p.url)]);
    mf = startWorker({ bindings: { MODELS } });
  });
  after(async () => {
    await mf?.dispose();
    await p?.close();
  });

  const npy = async (body: Record<string, unknown>): Promise<{ x: Float32Array; stats: Record<string, unknown> }> => {
    const res = await postSamples(mf, { output: "npy", ...body });
    const bytes = new Uint8Array(await res.arrayBuffer());
    assert.equal(res.status, 200, new TextDecoder().decode(bytes).slice(0, 500));
    return { x: parseNpy(bytes).data, stats: JSON.parse(res.headers.get("x-stats") ?? "{}") };
  };
  const latents = (method: string, seed: number, extra: Record<string, unknown> = {}) =>
    npy({ model: "digits-cond", num_samples: N, class_labels: classes(N), method, seed, decode: false, ...extra });
  const sequential = once(() => latents("sequential", 11));

  for (const [method, seed] of [["token", 12], ["block", 13]] as const) {
    test(`${method} latents match the guided sequential sampler's (p >= ${ALPHA})`, async () => {
      const seq = await sequential();
      const spec = await latents(method, seed);
      const pv = projectedP(seq.x, spec.x, LATENT);
      assert.ok(pv >= ALPHA, `${method} vs sequential under guidance 3: p = ${pv}`);
      assert.ok((spec.stats.rounds as number) < (seq.stats.rounds as number), `${method}: ${spec.stats.rounds} rounds`);
    });
  }

  test("control: guidance 1 is told apart from guidance 3", async () => {
    const seq = await sequential();
    const unguided = await latents("sequential", 14, { guidance_scale: 1 });
    const pv = projectedP(seq.x, unguided.x, LATENT);
    assert.ok(pv < ALPHA, `guidance 1 vs 3 should differ: p = ${pv}`);
  });

  test("a replay with the same seed is bit-identical (block, decoded)", async () => {
    const body = { model: "digits-cond", num_samples: 20, class_labels: classes(20), seed: 5 };
    const [a, b] = [await npy(body), await npy(body)];
    assert.deepEqual(a.x, b.x);
  });

  test("a prompt naming class k gives the same samples as class label k, for the same seed", async () => {
    const byPrompt = await npy({ model: "digits-prompt", num_samples: 16, prompt: "a handwritten 7", seed: 21 });
    const byLabel = await npy({ model: "digits-cond", num_samples: 16, class_labels: 7, seed: 21 });
    assert.deepEqual(byPrompt.x, byLabel.x);
    const seven = await npy({ model: "digits-prompt", num_samples: 16, prompt: "seven", seed: 21 });
    assert.deepEqual(seven.x, byLabel.x);
  });

  describe("samples conditioned on class k are classified as k", () => {
    let clf: DigitClassifier;
    before(() => {
      clf = fitDigitClassifier(labelledDigits("train"));
    });
    test("the classifier reads held-out real digits", () => {
      const held = labelledDigits("heldout");
      const acc = accuracy(clf, held.x, held.y);
      console.log(`classifier accuracy on ${held.rows} held-out real digits: ${acc.toFixed(3)}`);
      assert.ok(acc >= 0.9, `held-out accuracy ${acc}`);
    });
    for (const w of [1, 3]) {
      test(`guidance ${w}: 500 decoded samples, 50 per class`, async () => {
        const labels = classes(500);
        const { x } = await npy({ model: "digits-cond", num_samples: 500, class_labels: labels, guidance_scale: w, seed: 30 + w });
        const acc = accuracy(clf, x, labels);
        console.log(`classifier accuracy on samples at guidance ${w}: ${acc.toFixed(3)}`);
        assert.ok(acc >= 0.85, `accuracy at guidance ${w}: ${acc}`);
      });
    }
  });
});
