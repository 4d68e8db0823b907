// A whole batch in, a whole array out: for tools and tests that hold rows in one array (the sampler
// streams rows through the port instead).
import type { Denoiser } from "./port.ts";

export interface RowArrays {
  rows: number;
  /** Row-major states, rows * dim values. */
  x: Float32Array;
  timesteps: Int32Array;
  alphaBar: Float64Array;
}

/** Evaluates all rows and returns their outputs row-major; throws if the denoiser put rows out of order or missed some. */
export const evaluateRows = async (d: Denoiser, batch: RowArrays, signal?: AbortSignal): Promise<Float32Array> => {
  const { dim } = d;
  const out = new Float32Array(batch.rows * dim);
  let next = 0;
  await d.evaluate({
    rows: batch.rows,
    timesteps: batch.timesteps,
    alphaBar: batch.alphaBar,
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
