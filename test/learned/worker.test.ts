// The learned digits model through the deployable bundle (Miniflare) and the reference provider serving
// models/digits/model.onnx on 127.0.0.1, configured by the committed wrangler.toml entry.
//
// Exactness: token and block (the entry's default draft: Free Drafter, x0 freeze, L = 16, bonus) against
// sequential, 2000 samples each (two requests of 1000), two-sample KS on 5 fixed projections and the norm
// with Bonferroni over the 6 (tools/fixtures/two-sample.ts). Each comparison fails with probability <= 1e-4
// when the samplers agree; over the 3 comparisons (token, block, and block under Euler ancestral against Euler
// ancestral sequential) the false-failure rate is <= 3e-4. Seeds are fixed, so a run
// is deterministic: the rate is that of a randomly chosen seed. A control checks the test has power.
// Every comparison awaits the sequential reference from a memoised helper (requested once, on first
// use), so each runs alone too. About 12 s.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { get, postSamples, type SampleBody } from "../api/client.ts";
import { parseNpy } from "../api/npy-reader.ts";
import { digitsEntry, startDigitsProvider } from "../../tools/fixtures/learned.ts";
import { digitsTwoSampleP } from "../../tools/fixtures/two-sample.ts";
import type { Provider } from "../../tools/provider/server.ts";

const ALPHA = 1e-4;
const STEPS = 50;
// 1000 per request keeps the default draft's resident buffers (about 23 MiB) under the 32 MiB limit.
const PER_REQUEST = 1000;
const REQUESTS = 2;

describe("digits through the Worker and the reference provider", () => {
  let p: Provider;
  let mf: Miniflare;
  before(async () => {
    p = await startDigitsProvider();
    mf = startWorker({ bindings: { MODELS: JSON.stringify([digitsEntry(p.url)]) } });
  });
  after(async () => {
    await mf?.dispose();
    await p?.close();
  });

  const npySamples = async (body: Record<string, unknown>): Promise<Float32Array> => {
    const res = await postSamples(mf, { model: "digits", steps: STEPS, output: "npy", ...body });
    assert.equal(res.status, 200, await res.clone().text());
    const npy = parseNpy(new Uint8Array(await res.arrayBuffer()));
    assert.deepEqual(npy.shape, [body.num_samples, 1, 8, 8]);
    return npy.data;
  };

  // Requests with seeds seed, seed + 1, ...: independent chains (the seed keys the whole stream).
  const many = async (method: string, seed: number, extra: Record<string, unknown> = {}): Promise<Float32Array> => {
    const out = new Float32Array(REQUESTS * PER_REQUEST * 64);
    for (let r = 0; r < REQUESTS; r++) out.set(await npySamples({ method, num_samples: PER_REQUEST, seed: seed + r, ...extra }), r * PER_REQUEST * 64);
    return out;
  };

  test("GET /v1/models lists digits as an OIP image model with the committed defaults", async () => {
    const { models } = (await (await get(mf, "/v1/models")).json()) as { models: Array<Record<string, any>> };
    const digits = models.find((m) => m.id === "digits")!;
    assert.equal(digits.provider, "oip");
    assert.deepEqual(digits.shape, [1, 8, 8]);
    assert.equal(digits.image, true);
    assert.equal(digits.scheduler.clip_sample, true);
    assert.equal(digits.defaults.method, "block");
  });

  test("replaying a request with the same seed gives bit-identical samples (FP32 wire)", async () => {
    for (const method of ["sequential", "token", "block"]) {
      const body = { method, num_samples: 16, seed: 31337 };
      const a = (await (await postSamples(mf, { model: "digits", steps: STEPS, ...body })).json()) as SampleBody;
      const b = (await (await postSamples(mf, { model: "digits", steps: STEPS, ...body })).json()) as SampleBody;
      assert.deepEqual(b.samples, a.samples, method);
      assert.deepEqual(b.stats, a.stats, method);
      const other = (await (await postSamples(mf, { model: "digits", steps: STEPS, ...body, seed: 31338 })).json()) as SampleBody;
      assert.notDeepEqual(other.samples.data, a.samples.data, `${method}: another seed gives other samples`);
    }
  });

  let referenceRun: Promise<Float32Array> | undefined;
  const reference = () => (referenceRun ??= many("sequential", 100));
  test(`sequential reference: ${REQUESTS * PER_REQUEST} samples in [-1, 1]`, async () => {
    assert.ok((await reference()).every((v) => v >= -1 && v <= 1), "clip_sample keeps the last step's x0 in [-1, 1]");
  });

  for (const [i, method] of ["token", "block"].entries()) {
    test(`${method} (default draft) matches sequential: corrected p > ${ALPHA}`, async () => {
      const p = digitsTwoSampleP(await many(method, 200 + 10 * i), await reference());
      if (process.env.EXACTNESS_VERBOSE) console.log(`digits ${method}: corrected p = ${p.toFixed(4)}`);
      assert.ok(p > ALPHA, `${method}: corrected p = ${p.toExponential(2)}`);
    });
  }

  // The same learned epsilon model under EulerAncestralDiscreteScheduler (diffusers lets a pipeline swap its
  // scheduler): block against its own sequential sampler, one more comparison at ALPHA.
  const euler = { scheduler: { _class_name: "EulerAncestralDiscreteScheduler" } };
  let eulerRun: Promise<Float32Array> | undefined;
  const eulerReference = () => (eulerRun ??= many("sequential", 400, euler));
  test(`Euler ancestral: block (default draft) matches Euler ancestral sequential: corrected p > ${ALPHA}`, async () => {
    const p = digitsTwoSampleP(await many("block", 410, euler), await eulerReference());
    if (process.env.EXACTNESS_VERBOSE) console.log(`digits Euler ancestral block: corrected p = ${p.toFixed(4)}`);
    assert.ok(p > ALPHA, `Euler ancestral block: corrected p = ${p.toExponential(2)}`);
  });

  // Power: a 20-step sampler against the 50-step reference gave corrected p between 1e-13 and 7e-9 over
  // six seeds at 1000 samples; a 25-step one is subtler (about 1e-6 at 2000, often missed at 1000).
  test("control: the same test tells a 20-step sampler from the 50-step one (1000 samples)", async () => {
    const coarser = await npySamples({ method: "block", num_samples: PER_REQUEST, seed: 300, steps: 20 });
    const p = digitsTwoSampleP(coarser, await reference());
    if (process.env.EXACTNESS_VERBOSE) console.log(`digits control: corrected p = ${p.toExponential(2)}`);
    assert.ok(p <= ALPHA, `control: corrected p = ${p.toExponential(2)}`);
  });
});
