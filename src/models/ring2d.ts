// `ring-2d`: 8 equal components on a circle of radius 3, s = 0.3 (modes about 7.7 s apart).
import { makeMixture, type GaussianMixture } from "./mixture.ts";

export const RING_RADIUS = 3;
export const RING_STD = 0.3;
export const RING_COMPONENTS = 8;

// Exact unit vectors at k * 45 degrees (no trig: identical on every engine).
const H = Math.SQRT1_2;
const DIRECTIONS = [[1, 0], [H, H], [0, 1], [-H, H], [-1, 0], [-H, -H], [0, -1], [H, -H]];

/** Builds the mixture; cheap, but callers should cache it. */
export const buildRing2d = (): GaussianMixture => {
  const means = Float32Array.from(DIRECTIONS.flat(), (u) => RING_RADIUS * u);
  const weights = new Array<number>(RING_COMPONENTS).fill(1);
  return makeMixture("ring-2d", [2], means, weights, RING_STD);
};
