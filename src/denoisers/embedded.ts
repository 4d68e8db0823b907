// The embedded denoiser: an analytic Gaussian mixture evaluated in the request's own core.wasm instance.
// Rows already in that instance's memory (the sampler's drafted states) are read in place; each output
// is written to one staging row and handed back, so a round costs no batch-sized buffer.
import { ALLOC_OVERHEAD, offsetPtr, type Core, type Ptr } from "../core/instance.ts";
import { residentMixtureBytes, uploadMixture } from "../core/gmm.ts";
import { affine2 } from "../core/vector.ts";
import type { GaussianMixture } from "../models/mixture.ts";
import type { Denoiser, DenoiserBatch } from "./port.ts";

/** Bytes of core memory an embedded denoiser takes: the resident mixture and the staging rows and scalars below. */
export const embeddedBytes = (k: number, d: number): number => residentMixtureBytes(k, d) + 2 * 4 * d + 4 * 8 + 3 * ALLOC_OVERHEAD;

/** The exact prediction of the noised mixture, in whatever the sampler reads (epsilon, v, x0 or a flow velocity),
 * under the row's noising family; rows are independent by construction. */
export const embeddedDenoiser = (core: Core, mixture: GaussianMixture): Denoiser => {
  core.reserve(embeddedBytes(mixture.weights.length, mixture.dim));
  const resident = uploadMixture(core, mixture);
  const dim = mixture.dim;
  const stageIn = core.allocF32(dim);
  const stageOut = core.allocF32(dim);
  const scalars = core.allocF64(4); // alphaBar | alpha, noise variance
  const sameStd = mixture.stds === undefined;
  return {
    dim,
    evaluate: async function evaluateEmbedded(batch: DenoiserBatch) {
      // DDPM/DDIM epsilon rows of a common-std mixture take the original kernel (the recorded samples are its).
      const vpEps = batch.family === "vp" && batch.output === "epsilon" && sameStd;
      for (let r = 0; r < batch.rows; r++) {
        const state = batch.state(r);
        let input = core.ptrOf(state);
        if (input === null) {
          core.f32(stageIn, dim).set(state);
          input = stageIn;
        }
        const f = core.f64(scalars, 4);
        if (vpEps) {
          f[0] = batch.alphaBar[r];
          resident.epsAt(stageOut, input, scalars, 1);
        } else {
          const a = batch.a[r], s = batch.s[r];
          f[1] = a;
          f[2] = s * s;
          resident.x0FamilyAt(stageOut, input, offsetPtr(scalars, 8), offsetPtr(scalars, 16), 1);
          asOutput(core, stageOut, input, a, s, batch.inputScale[r], batch.output, dim);
        }
        batch.put(r, core.f32(stageOut, dim));
      }
    },
  };
};

// out holds E[x0 | x]; rewrite it as the prediction the sampler reads, with eps = (x - a x0) / s:
//   epsilon: eps; flow: v = eps - x0; v_prediction: c a eps - c s x0 (the model's input is c x); sample: x0.
function asOutput(core: Core, out: Ptr, x: Ptr, a: number, s: number, c: number, type: DenoiserBatch["output"], dim: number): void {
  switch (type) {
    case "epsilon":
      return affine2(core, out, -a / s, out, 1 / s, x, dim);
    case "flow":
      return affine2(core, out, -(a / s + 1), out, 1 / s, x, dim);
    case "v_prediction":
      return affine2(core, out, -c * (a * a / s + s), out, (c * a) / s, x, dim);
    case "sample":
      return;
  }
}
