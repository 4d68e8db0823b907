// The fixed set of sampler runs whose exact samples and stats are recorded in golden.json: every built-in
// model, every method and draft option, DDPM and DDIM, and the learned digits model through the reference
// provider. Refactors of the sampler must reproduce them bit for bit (replay.test.ts).
import { createHash } from "node:crypto";
import { newCore } from "../../tools/fixtures/core.ts";
import { embeddedDenoiser } from "../../src/denoisers/embedded.ts";
import { oipDenoiser, parseOipConfig } from "../../src/denoisers/oip/index.ts";
import type { Denoiser } from "../../src/denoisers/port.ts";
import { builtinModel } from "../../src/models/index.ts";
import { DEFAULT_DRAFT, type SamplerOptions } from "../../src/sampler/options.ts";
import { runSampler } from "../../src/sampler/run.ts";
import { buildSchedule, parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import { digitsEntry, startDigitsProvider } from "../../tools/fixtures/learned.ts";

export interface GoldenCase {
  name: string;
  model: "ring-2d" | "gmm-512" | "glyphs" | "digits";
  method: "sequential" | "token" | "block";
  steps: number;
  chains: number;
  seed: number;
  firstChain?: number;
  draft?: Record<string, unknown>;
  scheduler?: Record<string, unknown>;
}

export interface GoldenRecord {
  name: string;
  /** SHA-256 of the samples' little-endian float32 bytes. */
  samplesSha256: string;
  /** The first values, to show what changed when the hash does not match. */
  head: number[];
  stats: unknown;
}

const ddim = { _class_name: "DDIMScheduler", type: "ddim", eta: 1 };
const base = { steps: 30, chains: 6 };
// Latency models of the auto window (src/sampler/latency.ts): a fixed model replays bit for bit.
const smallGpu = { rttMs: 25, c0Ms: 2, c1Ms: 0.02 };
const sdClass = { rttMs: 25, c0Ms: 5, c1Ms: 15 };

export const GOLDEN_CASES: GoldenCase[] = [
  ...(["ring-2d", "gmm-512", "glyphs"] as const).flatMap((model) =>
    (["sequential", "token", "block"] as const).map((method): GoldenCase => ({ name: `${model} ${method} default draft`, model, method, ...base, seed: 11 }))),
  { name: "ring-2d block free eps no-bonus L=8", model: "ring-2d", method: "block", ...base, seed: 12, draft: { freeze: "eps", bonus: false, window: 8 } },
  { name: "ring-2d token free eps bonus L=5", model: "ring-2d", method: "token", ...base, seed: 13, draft: { freeze: "eps", window: 5 } },
  { name: "gmm-512 block frozen-target x0 bonus L=6", model: "gmm-512", method: "block", ...base, seed: 14, draft: { type: "frozen-target", window: 6 } },
  { name: "gmm-512 token frozen-target eps no-bonus L=4", model: "gmm-512", method: "token", ...base, seed: 15, draft: { type: "frozen-target", freeze: "eps", bonus: false, window: 4 } },
  { name: "glyphs block adaptive L=32", model: "glyphs", method: "block", ...base, seed: 16, draft: { adaptive: true, window: 32 } },
  { name: "glyphs token adaptive eps L=12", model: "glyphs", method: "token", ...base, seed: 17, draft: { adaptive: true, freeze: "eps", window: 12 } },
  { name: "ring-2d block DDIM eta=1", model: "ring-2d", method: "block", ...base, seed: 18, scheduler: ddim },
  { name: "gmm-512 token DDIM eta=0.5 eps", model: "gmm-512", method: "token", ...base, seed: 19, scheduler: { ...ddim, eta: 0.5 }, draft: { freeze: "eps" } },
  { name: "glyphs sequential DDIM eta=1", model: "glyphs", method: "sequential", ...base, seed: 20, scheduler: ddim },
  { name: "ring-2d block clipped fixed_large trailing", model: "ring-2d", method: "block", ...base, seed: 21, scheduler: { clip_sample: true, clip_sample_range: 1.5, variance_type: "fixed_large", timestep_spacing: "trailing" } },
  { name: "gmm-512 block scaled_linear firstChain=5", model: "gmm-512", method: "block", ...base, seed: 22, firstChain: 5, scheduler: { beta_schedule: "scaled_linear" } },
  { name: "ring-2d token cosine 100 steps", model: "ring-2d", method: "token", steps: 100, chains: 3, seed: 23, scheduler: { beta_schedule: "squaredcos_cap_v2" } },
  { name: "gmm-512 block free x0 L=16", model: "gmm-512", method: "block", ...base, seed: 24, draft: { freeze: "x0" } },
  { name: "glyphs token free x0 no-bonus L=8", model: "glyphs", method: "token", ...base, seed: 25, draft: { freeze: "x0", bonus: false, window: 8 } },
  { name: "gmm-512 block auto window, SD-class latency", model: "gmm-512", method: "block", ...base, seed: 26, draft: { window: 32, auto: { latency: sdClass, measured: false } } },
  { name: "ring-2d token auto window, small-GPU latency", model: "ring-2d", method: "token", ...base, seed: 27, draft: { window: 32, auto: { latency: smallGpu, measured: false } } },
  { name: "digits sequential", model: "digits", method: "sequential", ...base, seed: 31 },
  { name: "digits token default draft", model: "digits", method: "token", ...base, seed: 32 },
  { name: "digits block default draft", model: "digits", method: "block", ...base, seed: 33 },
  { name: "digits block auto window, small-GPU latency", model: "digits", method: "block", ...base, seed: 35, draft: { window: 32, auto: { latency: smallGpu, measured: false } } },
  { name: "digits block frozen-target eps L=4 DDIM", model: "digits", method: "block", ...base, seed: 34, draft: { type: "frozen-target", freeze: "eps", window: 4 }, scheduler: ddim },
];

const sha256 = (x: Float32Array): string => createHash("sha256").update(new Uint8Array(x.buffer, x.byteOffset, x.byteLength)).digest("hex");

/** Runs every case (digits through a reference provider it starts and stops) and returns the records. */
export const runGoldenCases = async (cases: GoldenCase[] = GOLDEN_CASES): Promise<GoldenRecord[]> => {
  const provider = cases.some((c) => c.model === "digits") ? await startDigitsProvider() : null;
  try {
    const records: GoldenRecord[] = [];
    for (const c of cases) records.push(await runCase(c, provider?.url));
    return records;
  } finally {
    await provider?.close();
  }
};

const runCase = async (c: GoldenCase, providerUrl: string | undefined): Promise<GoldenRecord> => {
  const core = newCore();
  let denoiser: Denoiser;
  let scheduler: Record<string, unknown> = { clip_sample: false };
  if (c.model === "digits") {
    const entry = digitsEntry(providerUrl!);
    denoiser = oipDenoiser(parseOipConfig({ ...entry.settings, sample_shape: entry.shape }));
    scheduler = entry.scheduler;
  } else {
    denoiser = embeddedDenoiser(core, builtinModel(c.model)!);
  }
  const sched = { ...scheduler, ...c.scheduler };
  const opts: SamplerOptions = {
    method: c.method,
    draft: { ...DEFAULT_DRAFT, ...c.draft },
    schedule: buildSchedule(parseSchedulerConfig(sched), c.steps),
    numChains: c.chains,
    seed: c.seed,
    firstChain: c.firstChain,
  };
  const run = await runSampler(core, denoiser, opts);
  return { name: c.name, samplesSha256: sha256(run.samples), head: Array.from(run.samples.subarray(0, 4)), stats: run.stats };
};
