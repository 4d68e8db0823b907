// A whole batch in, a whole array out: for tools and tests that hold rows in one array (the sampler
// streams rows through the port instead). Rows are DDPM/DDIM rows of an epsilon model.
import type { Denoiser } from "./port.ts";

export interface RowArrays {
  rows: number;
  /** Row-major states, rows * dim values. */
  x: Float32Array;
  timesteps: ArrayLike<number>;
  /** alphas_cumprod per row (a DDPM/DDIM batch); the family and input scale follow from it. */
  alphaBar: Float64Array;
}

/** Evaluates all rows and returns their outputs row-major; throws if the denoiser put rows out of order or missed some. */
export const evaluateRows = async (d: Denoiser, batch: RowArrays, signal?: AbortSignal): Promise<Float32Array> => {
  const { dim } = d;
  const out = new Float32Array(batch.rows * dim);
  let next = 0;
  await d.evaluate({
    rows: batch.rows,
    chain: Int32Array.from({ length: batch.rows }, (_, r) => r),
    timesteps: Float64Array.from(batch.timesteps),
    inputScale: new Float64Array(batch.rows).fill(1),
    a: batch.alphaBar.map(Math.sqrt),
    s: batch.alphaBar.map((ab) => Math.sqrt(1 - ab)),
    alphaBar: batch.alphaBar,
    output: "epsilon",
    family: "vp",
    state: (r) => batch.x.subarray(r * dim, (r + 1) * dim),
    put: (r, output) => {
      if (r !== next) throw new RangeError(`denoiser put row ${r}, expected ${next}`);
      out.set(output.subarray(0, dim), r * dim);
      next++;
    },
  }, signal);
  if (next !== batch.rows) throw new RangeError(`denoiser put ${next} of ${batch.rows} rows`);
  return out;
};
