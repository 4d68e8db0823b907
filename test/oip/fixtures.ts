// Shared set-up of the OIP tests: a reference provider on 127.0.0.1 and client configurations for it.
import { newCore } from "../../tools/fixtures/core.ts";
import { uploadMixture } from "../../src/core/gmm.ts";
import { parseOipConfig, type OipModelConfig } from "../../src/denoisers/oip/index.ts";
import { makeMixture, type GaussianMixture } from "../../src/models/index.ts";
import { alphasCumprodFor, parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import { startProvider, type Provider, type ProviderOptions } from "../../tools/provider/server.ts";

export type { Provider };

/** A 12-dimensional, 3-component mixture: small, but more than one row-shape dimension of work. */
export const mixture12 = (): GaussianMixture => {
  const d = 12, k = 3;
  const means = new Float32Array(k * d);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) means[c * d + j] = Math.cos(0.9 * (c + 1) * (j + 2)) * 2;
  return makeMixture("mix-12", [3, 4], means, [1, 2, 3], 0.35);
};

export const start = (opts: Partial<ProviderOptions> = {}): Promise<Provider> => {
  const m = mixture12();
  return startProvider({
    models: [
      { name: "mix", mixture: m },
      { name: "mix-fp16", mixture: m, dtype: "FP16" },
      { name: "mix-x0", mixture: m, prediction: "sample", timestepDtype: "FP32", timestepRank: 2 },
    ],
    ...opts,
  });
};

/** A client configuration for `model` on `p`, with fast retries for tests. */
export const configFor = (p: Provider, model: string, extra: Record<string, unknown> = {}): OipModelConfig =>
  parseOipConfig({
    base_url: p.url,
    model_name: model,
    inputs: { sample: "sample", timestep: "timestep" },
    output: "model_output",
    sample_shape: [3, 4],
    timeout_ms: 2_000,
    retry: { max_retries: 3, base_delay_ms: 1, max_delay_ms: 4 },
    ...extra,
  });

/** A batch of `rows` seeded rows of mixture12 at assorted timesteps (DDPM default schedule). */
export const batchOf = (rows: number, seed = 1) => {
  const alphas = alphasCumprodFor(parseSchedulerConfig({}));
  const x = new Float32Array(rows * 12);
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = (s / 4294967296 - 0.5) * 6;
  }
  const timesteps = Int32Array.from({ length: rows }, (_, r) => (r * 97 + seed * 31) % 1000);
  const alphaBar = Float64Array.from(timesteps, (t) => alphas[t]);
  return { rows, x, timesteps, alphaBar };
};

/** What the embedded model gives for the same rows (epsilon or x0). */
export const embedded = (batch: { x: Float32Array; alphaBar: Float64Array }, kind: "eps" | "x0" = "eps"): Float32Array => {
  const resident = uploadMixture(newCore(), mixture12());
  return resident[kind](batch.x, batch.alphaBar);
};

/** Instant sleeps that record the backoff asked for. */
export const recordingSleep = () => {
  const delays: number[] = [];
  const sleep = async (ms: number) => void delays.push(ms);
  return { delays, sleep };
};
