// The embedded denoiser: an analytic Gaussian mixture evaluated in the request's own core.wasm instance.
// Rows already in that instance's memory (the sampler's drafted states) are read in place; each output
// is written to one staging row and handed back, so a round costs no batch-sized buffer.
import { ALLOC_OVERHEAD, type Core } from "../core/instance.ts";
import { uploadMixture } from "../core/gmm.ts";
import type { GaussianMixture } from "../models/mixture.ts";
import type { Denoiser, DenoiserBatch } from "./port.ts";

/** Bytes of core memory an embedded denoiser takes: the mixture (means, log-weights, |m_k|^2, the kernel's
 * f64 scratch of k + 2d) and its staging rows in and out; uploadMixture and the factory below allocate them. */
export const embeddedBytes = (k: number, d: number): number =>
  4 * k * d + 16 * k + 8 * (k + 2 * d) + 8 * d + 8 + 7 * ALLOC_OVERHEAD;

/** Exact epsilon prediction of the noised mixture; rows are independent by construction. */
export const embeddedDenoiser = (core: Core, mixture: GaussianMixture): Denoiser => {
  core.reserve(embeddedBytes(mixture.weights.length, mixture.dim));
  const resident = uploadMixture(core, mixture);
  const dim = mixture.dim;
  const stageIn = core.allocF32(dim);
  const stageOut = core.allocF32(dim);
  const alpha = core.allocF64(1);
  return {
    dim,
    evaluate: async function evaluateEmbedded(batch: DenoiserBatch) {
      for (let r = 0; r < batch.rows; r++) {
        const state = batch.state(r);
        let input = core.ptrOf(state);
        if (input === null) {
          core.f32(stageIn, dim).set(state);
          input = stageIn;
        }
        core.f64(alpha, 1)[0] = batch.alphaBar[r];
        resident.epsAt(stageOut, input, alpha, 1);
        batch.put(r, core.f32(stageOut, dim));
      }
    },
  };
};
