// The memory formula of the limits is the code's: after a run, core.wasm's memory is what requestMemory()
// says it holds (chains, scratch, the embedded mixture), give or take its fixed start and page rounding.
import { test } from "node:test";
import assert from "node:assert/strict";
import { newCore } from "../../tools/fixtures/core.ts";
import { embeddedDenoiser } from "../../src/denoisers/embedded.ts";
import { makeMixture } from "../../src/models/index.ts";
import { DEFAULT_DRAFT, type Method } from "../../src/sampler/options.ts";
import { runSampler } from "../../src/sampler/run.ts";
import { requestMemory } from "../../src/api/limits.ts";
import { schedule } from "../../tools/fixtures/sampler.ts";

const PAGE = 65536;

const cases: { d: number; chains: number; method: Method; window: number; type: "free" | "frozen-target"; preview: boolean }[] = [
  { d: 2, chains: 50, method: "block", window: 16, type: "free", preview: false },
  { d: 4096, chains: 3, method: "sequential", window: 16, type: "free", preview: false },
  { d: 4096, chains: 3, method: "token", window: 4, type: "frozen-target", preview: true },
  { d: 65536, chains: 1, method: "block", window: 16, type: "free", preview: false },
];

for (const c of cases) {
  test(`memory: d = ${c.d}, ${c.chains} chains, ${c.method} ${c.type} L = ${c.window}${c.preview ? " preview" : ""}: core memory is the formula's`, async () => {
    const core = newCore();
    const k = 3;
    const means = Float32Array.from({ length: k * c.d }, (_, i) => Math.sin(i));
    const mixture = makeMixture("m", [c.d], means, [1, 1, 1], 0.5);
    const opts = { method: c.method, draft: { ...DEFAULT_DRAFT, window: c.window, type: c.type }, schedule: schedule(6), numChains: c.chains, seed: 1 };
    await runSampler(core, embeddedDenoiser(core, mixture), opts, { preview: c.preview });
    const estimate = requestMemory({
      numSamples: c.chains, dim: c.d, steps: 6, window: c.method === "sequential" ? 0 : c.window, frozenTarget: c.type === "frozen-target" && c.method !== "sequential",
      preview: c.preview, components: k, wireBytes: 0, output: "npy", image: null,
    }).core;
    const actual = core.raw.memory.buffer.byteLength;
    assert.ok(actual <= estimate + PAGE, `core memory ${actual} B exceeds the estimate ${estimate} B`);
    assert.ok(actual >= estimate - 3 * PAGE, `estimate ${estimate} B is far above the core memory ${actual} B`);
  });
}
