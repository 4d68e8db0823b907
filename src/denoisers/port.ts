// The denoiser port: the sampler's only view of a model. One call per round, all chains' rows.

export type PredictionType = "epsilon" | "sample" | "v_prediction";

/** A batch of rows to evaluate: row r is state x[r*dim .. (r+1)*dim) at timestep t[r]. */
export interface DenoiserBatch {
  rows: number;
  /** Row-major states, rows * dim values. */
  x: Float32Array;
  /** Integer training timestep of each row. */
  timesteps: Int32Array;
  /** alphas_cumprod at each row's timestep (analytic models use it; remote models get timesteps). */
  alphaBar: Float64Array;
}

/** A denoiser evaluates rows independently: a row's output never depends on its batch neighbours. */
export interface Denoiser {
  readonly dim: number;
  readonly predictionType: PredictionType;
  /** Returns rows * dim model outputs (in `predictionType` units), row-major. */
  evaluate(batch: DenoiserBatch, signal?: AbortSignal): Promise<Float32Array>;
}
