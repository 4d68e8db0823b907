// `latent-16x128`: 4 components of shape [16, 128, 128] (SD3 / Flux latent size, 262,144 values) with
// seeded means, so latent-sized requests run with no GPU. Means are 4 MiB: build lazily and cache.
import { makeMixture, type GaussianMixture } from "./mixture.ts";
import { bellFromBytes } from "./seeded.ts";

export const LATENT_SHAPE = [16, 128, 128] as const;
export const LATENT_COMPONENTS = 4;
export const LATENT_SEED = 0x1a7e0016;
// Like gmm-512: per-coordinate variance (1 - s^2) + s^2 = 1, as scaled SD3/Flux latents; components are
// about sqrt(2 (1 - s^2) d) = 627 apart against a shell radius s sqrt(d) = 256, so modes never overlap.
export const LATENT_STD = 0.5;

/** Builds the mixture (equal weights): one hash per value, a few milliseconds; callers cache it. */
export const buildLatent16 = (): GaussianMixture => {
  const dim = LATENT_SHAPE[0] * LATENT_SHAPE[1] * LATENT_SHAPE[2];
  const scale = Math.sqrt(1 - LATENT_STD * LATENT_STD);
  const means = new Float32Array(LATENT_COMPONENTS * dim);
  for (let i = 0; i < means.length; i++) means[i] = scale * bellFromBytes(LATENT_SEED, i);
  const weights = new Array<number>(LATENT_COMPONENTS).fill(1);
  return makeMixture("latent-16x128", LATENT_SHAPE, means, weights, LATENT_STD);
};
