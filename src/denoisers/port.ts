// The denoiser port: the sampler's only view of a model. One call per round, all chains' rows.
// Rows stream through it: the denoiser reads each state where the sampler keeps it and hands each
// output back in row order, so neither side makes a full-size copy of the batch.

/** What a model outputs: diffusers' prediction types, or "flow", a flow-matching velocity v = noise - x0. */
export type PredictionType = "epsilon" | "sample" | "v_prediction" | "flow";

/** What a conditional model is conditioned on, for one row: a class id (DiT convention), or a prompt's
 * embedding (Stable Diffusion convention), with the negative prompt's for provider-side guidance. */
export type RowCondition =
  | { readonly classLabel: number }
  | { readonly embedding: Float32Array; readonly negative?: Float32Array };

/** A batch of rows to evaluate: row r is state(r) at timesteps[r]. */
export interface DenoiserBatch {
  readonly rows: number;
  /** The model timestep of each row (an integer for DDPM/DDIM; fractional for Euler sigmas and flow matching). */
  readonly timesteps: Float64Array;
  /** The model sees inputScale[r] * state(r) (Euler sigmas: 1 / sqrt(sigma^2 + 1); 1 otherwise). */
  readonly inputScale: Float64Array;
  /** The noising family of every row (vp: DDPM/DDIM, sigma: Euler, flow: flow matching), and each row's
   * coefficients in it, for analytic models: state = a x0 + s noise. */
  readonly family: "vp" | "sigma" | "flow";
  readonly a: Float64Array;
  readonly s: Float64Array;
  /** alphas_cumprod at each row's timestep (vp rows; analytic models use it). */
  readonly alphaBar: Float64Array;
  /** The prediction the sampler reads the outputs as (an analytic model answers in it). */
  readonly output: PredictionType;
  /** The request's chain (0..num_samples-1) each row belongs to: conditioning is per chain. */
  readonly chain: Int32Array;
  /** Conditional models: row r's condition (set by src/denoisers/conditioned.ts, absent otherwise). */
  condition?(r: number): RowCondition;
  /** Models that apply guidance themselves: row r's guidance scale. */
  guidanceScale?(r: number): number;
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
