// The sampler through the OIP denoiser (FP32 wire) gives the same samples, bit for bit, as through
// the embedded denoiser for the same seed and request; FP16 stays within its rounding.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { newCore } from "../../tools/fixtures/core.ts";
import { embeddedDenoiser } from "../../src/denoisers/embedded.ts";
import { oipDenoiser, parseOipConfig } from "../../src/denoisers/oip/index.ts";
import type { Denoiser } from "../../src/denoisers/port.ts";
import { builtinModel } from "../../src/models/index.ts";
import { DEFAULT_DRAFT, type Method, type SamplerOptions } from "../../src/sampler/options.ts";
import { runSampler } from "../../src/sampler/run.ts";
import { buildSchedule, parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";

const ring = builtinModel("ring-2d")!;

const options = (method: Method, steps: number, chains: number, seed: number): SamplerOptions => ({
  method,
  draft: { ...DEFAULT_DRAFT, window: 6 },
  schedule: buildSchedule(parseSchedulerConfig({ clip_sample: false }), steps),
  numChains: chains,
  seed,
});

const run = (denoiser: (core: ReturnType<typeof newCore>) => Denoiser, opts: SamplerOptions) => {
  const core = newCore();
  return runSampler(core, denoiser(core), opts);
};

describe("sampler through the OIP denoiser", () => {
  let p: Provider;
  before(async () => {
    p = await startProvider({ models: [{ name: "ring", mixture: ring }, { name: "ring-fp16", mixture: ring, dtype: "FP16" }] });
  });
  after(() => p.close());

  const remote = (model: string, extra: Record<string, unknown> = {}) => () =>
    oipDenoiser(parseOipConfig({
      base_url: p.url, model_name: model, inputs: { sample: "sample", timestep: "timestep" }, output: "model_output", sample_shape: [2], ...extra,
    }));

  for (const method of ["sequential", "token", "block"] as const) {
    test(`${method}: FP32 wire gives bit-identical samples and the same statistics`, async () => {
      const opts = options(method, 40, 16, 1234);
      const local = await run((core) => embeddedDenoiser(core, ring), opts);
      p.resetStats();
      const viaOip = await run(remote("ring", { max_rows_per_call: 37 }), opts);
      assert.deepEqual(viaOip.samples, local.samples);
      assert.deepEqual(viaOip.stats, local.stats);
      assert.ok(p.stats().inferCalls >= viaOip.stats.rounds, "at least one call per round");
    });
  }

  test("FP16 wire, sequential: samples within FP16 rounding of the FP32 ones", async () => {
    const opts = options("sequential", 40, 32, 77);
    const exact = await run((core) => embeddedDenoiser(core, ring), opts);
    const half = await run(remote("ring-fp16", { wire_dtype: "FP16" }), opts);
    let worst = 0;
    for (let i = 0; i < exact.samples.length; i++) worst = Math.max(worst, Math.abs(half.samples[i] - exact.samples[i]));
    // binary16 keeps 11 significant bits: 2^-11 relative per evaluation, on values of size ~3, over 40 steps.
    assert.ok(worst > 0 && worst < 0.05, `largest difference ${worst}`);
  });
});
