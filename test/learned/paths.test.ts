// One request, three paths to the same learned model: the Worker bundle (Miniflare) calling the reference
// provider, the sampler in Node calling it through the OIP client, and the sampler in Node calling
// onnxruntime in process (the learned benchmark's path). Same seed, same samples bit for bit: the
// benchmark measures what the Worker serves, and the Worker adds nothing to the sampler's maths.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { newCore } from "../../tools/fixtures/core.ts";
import { startWorker } from "../helpers/worker.ts";
import { postSamples, type SampleBody } from "../api/client.ts";
import { digitsEntry, startDigitsProvider } from "../../tools/fixtures/learned.ts";
import { oipDenoiser, parseOipConfig } from "../../src/denoisers/oip/index.ts";
import type { Denoiser } from "../../src/denoisers/port.ts";
import { DEFAULT_DRAFT, type Method } from "../../src/sampler/options.ts";
import { runSampler } from "../../src/sampler/run.ts";
import { buildSchedule, parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import { loadOnnxDenoiser, type OnnxDenoiser } from "../../tools/provider/onnx-model.ts";
import type { Provider } from "../../tools/provider/server.ts";
import { DIGITS_MODEL_PATH } from "../../tools/learned/digits.ts";
import { onnxPort } from "../../tools/learned/onnx-port.ts";

const STEPS = 40;
const CHAINS = 24;
const SEED = 2718;

describe("digits: Worker, Node with the OIP client, Node with onnxruntime in process", () => {
  let p: Provider;
  let mf: Miniflare;
  let onnx: OnnxDenoiser;
  before(async () => {
    p = await startDigitsProvider();
    mf = startWorker({ bindings: { MODELS: JSON.stringify([digitsEntry(p.url)]) } });
    onnx = await loadOnnxDenoiser(DIGITS_MODEL_PATH);
  });
  after(async () => {
    await mf?.dispose();
    await p?.close();
    await onnx?.release();
  });

  // The Worker's plan for { model: digits, steps, method } with the entry's defaults, built in Node.
  const inNode = (denoiser: Denoiser, method: Method) => {
    const entry = digitsEntry(p.url);
    const schedule = buildSchedule(parseSchedulerConfig(entry.scheduler), STEPS);
    return runSampler(newCore(), denoiser, { method, draft: { ...DEFAULT_DRAFT, ...entry.defaults.draft }, schedule, numChains: CHAINS, seed: SEED });
  };

  for (const method of ["sequential", "token", "block"] as const) {
    test(`${method}: the same samples and statistics on all three paths`, async () => {
      const res = await postSamples(mf, { model: "digits", steps: STEPS, num_samples: CHAINS, method, seed: SEED });
      assert.equal(res.status, 200, await res.clone().text());
      const worker = (await res.json()) as SampleBody;
      const { settings } = digitsEntry(p.url);
      const viaOip = await inNode(oipDenoiser(parseOipConfig({ ...settings, sample_shape: [1, 8, 8] })), method);
      const inProcess = await inNode(onnxPort(onnx), method);
      assert.deepEqual(Array.from(viaOip.samples), worker.samples.data);
      assert.deepEqual(inProcess.samples, viaOip.samples);
      assert.equal(worker.stats.rounds, viaOip.stats.rounds);
      assert.deepEqual(inProcess.stats, viaOip.stats);
    });
  }
});
