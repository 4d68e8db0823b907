// Counter layout of every random number a chain draws (ALGORITHMS.md section 6):
// key = the request seed, c3 = chain, c2 = the chain's round, c1 = purpose << 24 | index in window.
import type { Stream } from "../core/random.ts";

// A round never repeats, so noise of a rejected draft is never reused.

export const Purpose = {
  init: 1, // x_N ~ N(0, I)
  step: 2, // noise of a step taken from the target (sequential, warm-up, bonus)
  draft: 3, // draft noise xi_i
  accept: 4, // u_i of token-wise tests, eta_i of block verification
  residualU: 5, // the uniform inverted by the 1-D residual sampler
  residualZeta: 6, // fresh orthogonal Gaussian of the residual draw
} as const;

export interface RngKey {
  k0: number;
  k1: number;
}

/** Splits an integer seed in [0, 2^53) into the generator's two 32-bit key words. */
export const seedKey = (seed: number): RngKey => ({ k0: seed >>> 0, k1: Math.floor(seed / 2 ** 32) >>> 0 });

/** The stream of one purpose and index in a chain's round. */
export const streamOf = (key: RngKey, purpose: number, index: number, round: number, chain: number): Stream => ({
  k0: key.k0,
  k1: key.k1,
  c1: ((purpose << 24) | index) >>> 0,
  c2: round >>> 0,
  c3: chain >>> 0,
});
