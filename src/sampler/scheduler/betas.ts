// Beta schedules and alphas_cumprod as diffusers defines them, computed in float64
// (diffusers builds them in float32, so its values agree with these to about 1e-7 relative).
import type { SchedulerConfig } from "./types.ts";

// squaredcos_cap_v2 caps each beta here (diffusers betas_for_alpha_bar max_beta).
export const COSINE_MAX_BETA = 0.999;
// Offset s of the cosine schedule (Nichol & Dhariwal 2021, eq. 17).
const COSINE_S = 0.008;

// n evenly spaced values from a to b inclusive (torch.linspace); n = 1 gives [a].
export function linspace(a: number, b: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const step = n > 1 ? (b - a) / (n - 1) : 0;
  for (let i = 0; i < n; i++) out[i] = a + i * step;
  if (n > 1) out[n - 1] = b;
  return out;
}

// alpha_bar(t) = cos^2(((t + s) / (1 + s)) * pi / 2), t in [0, 1].
const cosineAlphaBar = (t: number): number => Math.cos(((t + COSINE_S) / (1 + COSINE_S)) * (Math.PI / 2)) ** 2;

// beta_i = min(1 - alpha_bar((i + 1) / T) / alpha_bar(i / T), 0.999).
export function cosineBetas(T: number): Float64Array {
  const out = new Float64Array(T);
  for (let i = 0; i < T; i++) {
    out[i] = Math.min(1 - cosineAlphaBar((i + 1) / T) / cosineAlphaBar(i / T), COSINE_MAX_BETA);
  }
  return out;
}

// The training betas the config describes; every entry lies in (0, 1) for a parsed config.
export function betasFor(config: SchedulerConfig): Float64Array {
  const T = config.numTrainTimesteps;
  if (config.trainedBetas !== null) return Float64Array.from(config.trainedBetas);
  switch (config.betaSchedule) {
    case "linear":
      return linspace(config.betaStart, config.betaEnd, T);
    case "scaled_linear":
      return linspace(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), T).map((r) => r * r);
    case "squaredcos_cap_v2":
      return cosineBetas(T);
  }
}

// alphas_cumprod[t] = prod_{i <= t} (1 - beta_i).
export function alphasCumprod(betas: Float64Array): Float64Array {
  const out = new Float64Array(betas.length);
  let prod = 1;
  for (let i = 0; i < betas.length; i++) {
    prod *= 1 - betas[i];
    out[i] = prod;
  }
  return out;
}

export const alphasCumprodFor = (config: SchedulerConfig): Float64Array => alphasCumprod(betasFor(config));
