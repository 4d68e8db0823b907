// The analytic model: an isotropic Gaussian mixture sum_k w_k N(m_k, s^2 I) in dimension d.

/** A mixture ready for the core: means row-major f32 (K*d), weights normalised to sum 1. */
export interface GaussianMixture {
  readonly id: string;
  readonly dim: number;
  /** Sample shape, product = dim ([2] for points, [H, W] for images). */
  readonly shape: readonly number[];
  readonly means: Float32Array;
  readonly weights: Float64Array;
  /** Per-coordinate standard deviation s of every component. */
  readonly std: number;
}

/** Sizes this deployment serves: the means take K*d*4 bytes of the 128 MB isolate. */
export const MIXTURE_LIMITS = {
  maxComponents: 1024,
  maxDim: 65536,
  maxMeanValues: 1_048_576,
  minStd: 1e-6,
  maxStd: 1e6,
} as const;

/** Number of components K. */
export const componentCount = (m: GaussianMixture): number => m.weights.length;

/** Builds a mixture from plain values, normalising the weights (callers have validated them). */
export const makeMixture = (
  id: string,
  shape: readonly number[],
  means: Float32Array,
  weights: ArrayLike<number>,
  std: number,
): GaussianMixture => {
  const dim = shape.reduce((p, n) => p * n, 1);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const normalised = Float64Array.from(weights, (w) => w / total);
  if (means.length !== normalised.length * dim) throw new Error(`mixture ${id}: means length ${means.length} != K*d`);
  return { id, dim, shape: [...shape], means, weights: normalised, std };
};
