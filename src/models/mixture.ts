// The analytic model: an isotropic Gaussian mixture sum_k w_k N(m_k, c_k^2 I) in dimension d, with a
// common standard deviation c_k = s or one per component.

/** A mixture ready for the core: means row-major f32 (K*d), weights normalised to sum 1. */
export interface GaussianMixture {
  readonly id: string;
  readonly dim: number;
  /** Sample shape, product = dim ([2] for points, [H, W] for images). */
  readonly shape: readonly number[];
  readonly means: Float32Array;
  readonly weights: Float64Array;
  /** Per-coordinate standard deviation s of every component; with `stds`, the largest of them. */
  readonly std: number;
  /** Per-component standard deviations c_k (length K, not all equal); absent when every component has `std`. */
  readonly stds?: readonly number[];
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

/** c_k^2 for every component (f64, length K), whether the std is common or per component. */
export const componentVariances = (m: GaussianMixture): Float64Array =>
  Float64Array.from(m.stds ?? new Array<number>(m.weights.length).fill(m.std), (c) => c * c);

/**
 * Builds a mixture from plain values, normalising the weights (callers have validated them).
 * `std` is one standard deviation for every component or K of them; K equal values give a common std.
 */
export const makeMixture = (
  id: string,
  shape: readonly number[],
  means: Float32Array,
  weights: ArrayLike<number>,
  std: number | ArrayLike<number>,
): GaussianMixture => {
  const dim = shape.reduce((p, n) => p * n, 1);
  let total = 0;
  for (let i = 0; i < weights.length; i++) total += weights[i];
  const normalised = Float64Array.from(weights, (w) => w / total);
  if (means.length !== normalised.length * dim) throw new Error(`mixture ${id}: means length ${means.length} != K*d`);
  const base = { id, dim, shape: [...shape], means, weights: normalised };
  if (typeof std === "number") return { ...base, std };
  const stds = Array.from(std);
  if (stds.length !== normalised.length) throw new Error(`mixture ${id}: ${stds.length} stds for ${normalised.length} components`);
  // Equal stds are a common std: the VP kernels (gmmEps/gmmX0) then serve the mixture.
  if (stds.every((c) => c === stds[0])) return { ...base, std: stds[0] };
  return { ...base, std: Math.max(...stds), stds };
};
