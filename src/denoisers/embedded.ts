// The embedded denoiser: an analytic Gaussian mixture evaluated in the request's own core.wasm instance.
import type { Core } from "../core/instance.ts";
import { uploadMixture } from "../core/gmm.ts";
import type { GaussianMixture } from "../models/mixture.ts";
import type { Denoiser, DenoiserBatch } from "./port.ts";

/** Exact epsilon prediction of the noised mixture; rows are independent by construction. */
export const embeddedDenoiser = (core: Core, mixture: GaussianMixture): Denoiser => {
  const resident = uploadMixture(core, mixture);
  return {
    dim: mixture.dim,
    predictionType: "epsilon",
    evaluate: async function evaluateEmbedded(batch: DenoiserBatch) {
      return resident.eps(batch.x, batch.alphaBar);
    },
  };
};
