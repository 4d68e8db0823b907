// The denoiser port: the sampler's only view of a model. One call per round, all chains' rows.
// Rows stream through it: the denoiser reads each state where the sampler keeps it and hands each
// output back in row order, so neither side makes a full-size copy of the batch.

export type PredictionType = "epsilon" | "sample" | "v_prediction";

/** A batch of rows to evaluate: row r is state(r) at timesteps[r]. */
export interface DenoiserBatch {
  readonly rows: number;
  /** Integer training timestep of each row. */
  readonly timesteps: Int32Array;
  /** alphas_cumprod at each row's timestep (analytic models use it; remote models get timesteps). */
  readonly alphaBar: Float64Array;
  /** Row r's state, dim values. A view into memory that may move: read it before the next await. */
  state(r: number): Float32Array;
  /** Hands back row r's model output (dim values, read before put returns). Rows go in order 0..rows-1. */
  put(r: number, output: Float32Array): void;
}

/** A denoiser evaluates rows independently: a row's output never depends on its batch neighbours. */
export interface Denoiser {
  readonly dim: number;
  /** Evaluates every row of the batch and puts each output, in row order, before it resolves. */
  evaluate(batch: DenoiserBatch, signal?: AbortSignal): Promise<void>;
}
