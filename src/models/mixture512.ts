// `gmm-512`: 8 components in d = 512 with seeded pseudo-random means, identical on every engine.
import { makeMixture, type GaussianMixture } from "./mixture.ts";
import { uniform } from "./seeded.ts";

export const M512_DIM = 512;
export const M512_COMPONENTS = 8;
export const M512_SEED = 0x5eed0512;
// Per-coordinate variance of the mixture is (1 - s^2) + s^2 = 1, like normalised data;
// components are about 2.4 s sqrt(d) apart, each a shell of radius s sqrt(d).
export const M512_STD = 0.5;

// Irwin-Hall with 4 terms, centred and scaled to unit variance: bell-shaped, no transcendental functions.
function bell(seed: number, i: number): number {
  const s = uniform(seed, 4 * i) + uniform(seed, 4 * i + 1) + uniform(seed, 4 * i + 2) + uniform(seed, 4 * i + 3);
  return (s - 2) * Math.sqrt(3);
}

/** The same construction in any dimension (benchmarks of delta against d use it). */
export const buildSeededMixture = (dim: number, id = `gmm-${dim}`): GaussianMixture => {
  const scale = Math.sqrt(1 - M512_STD * M512_STD);
  const means = new Float32Array(M512_COMPONENTS * dim);
  for (let i = 0; i < means.length; i++) means[i] = scale * bell(M512_SEED, i);
  const weights = Array.from({ length: M512_COMPONENTS }, (_, k) => k + 4);
  return makeMixture(id, [dim], means, weights, M512_STD);
};

/** Builds the mixture (weights proportional to k + 4); cheap, but callers should cache it. */
export const buildMixture512 = (): GaussianMixture => buildSeededMixture(M512_DIM, "gmm-512");
