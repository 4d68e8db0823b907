// Shared statistical helpers for seeded tests: a small PRNG, KS tests, an energy-distance permutation
// test, standard errors. Every p-value here is for a test whose false-failure rate the caller states.
export { normalRef } from "./normal-ref.ts";

export interface Rng {
  /** Uniform on (0, 1) with 53 random bits (never 0 or 1). */
  uniform(): number;
  /** Standard normal (Box-Muller, second value cached). */
  normal(): number;
}

/** xoshiro128** (Blackman & Vigna 2018) seeded by splitmix32: deterministic, independent of Math.random. */
export const seededRng = (seed: number): Rng => {
  let z = seed >>> 0;
  const split = () => {
    z = (z + 0x9e3779b9) >>> 0;
    let t = z ^ (z >>> 16); t = Math.imul(t, 0x21f0aaad); t ^= t >>> 15; t = Math.imul(t, 0x735a2d97);
    return (t ^ (t >>> 15)) >>> 0;
  };
  const s = [split(), split(), split(), split()];
  const next = () => {
    const r = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0, t = s[1] << 9;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 11);
    return r;
  };
  let spare = NaN;
  const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6) + 0.5) / 9007199254740992;
  const normal = () => {
    if (!Number.isNaN(spare)) { const v = spare; spare = NaN; return v; }
    const r = Math.sqrt(-2 * Math.log(uniform())), a = 2 * Math.PI * uniform();
    spare = r * Math.sin(a);
    return r * Math.cos(a);
  };
  return { uniform, normal };
};
const rotl = (x: number, k: number) => ((x << k) | (x >>> (32 - k))) >>> 0;

/** Standard normal CDF by Marsaglia's series Phi = 1/2 + phi(x) sum x^(2n+1)/(2n+1)!! (J. Stat. Softw. 2004); abs error < 1e-15. */
export const normalCdf = (x: number): number => {
  if (x < -9) return 0;
  if (x > 9) return 1;
  let term = x, sum = x;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) { term *= (x * x) / (2 * n + 1); sum += term; }
  return Math.min(1, Math.max(0, 0.5 + sum * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)));
};

/** P(K > lambda) for the Kolmogorov distribution (two series, each used where it converges fast). */
export const kolmogorovSf = (lambda: number): number => {
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    let s = 0;
    for (let k = 1; k <= 20; k++) s += Math.exp(-((2 * k - 1) ** 2) * Math.PI ** 2 / (8 * lambda * lambda));
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let s = 0;
  for (let k = 1; k <= 100; k++) s += (k % 2 ? 2 : -2) * Math.exp(-2 * k * k * lambda * lambda);
  return Math.min(1, Math.max(0, s));
};

// Stephens' (1970) finite-sample scaling of D for the asymptotic Kolmogorov p-value.
const ksP = (d: number, n: number) => kolmogorovSf((Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * d);

/** One-sample KS of xs against a continuous CDF: statistic d and p-value. */
export const ksOneSample = (xs: ArrayLike<number>, cdf: (x: number) => number): { d: number; p: number } => {
  const v = Float64Array.from(xs).sort(), n = v.length;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const f = cdf(v[i]);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  }
  return { d, p: ksP(d, n) };
};

/** Two-sample KS: statistic d (ties handled by stepping past equal values) and p-value. */
export const ksTwoSample = (xs: ArrayLike<number>, ys: ArrayLike<number>): { d: number; p: number } => {
  const a = Float64Array.from(xs).sort(), b = Float64Array.from(ys).sort();
  const n = a.length, m = b.length;
  let i = 0, j = 0, d = 0;
  while (i < n && j < m) {
    const t = Math.min(a[i], b[j]);
    while (i < n && a[i] === t) i++;
    while (j < m && b[j] === t) j++;
    d = Math.max(d, Math.abs(i / n - j / m));
  }
  return { d, p: ksP(d, (n * m) / (n + m)) };
};

/** Standard error of a binomial proportion p over n trials. */
export const binomialSe = (p: number, n: number): number => Math.sqrt((p * (1 - p)) / n);

/** Sample mean and its standard error. */
export const meanSe = (xs: ArrayLike<number>): { mean: number; se: number } => {
  const n = xs.length;
  let s = 0, s2 = 0;
  for (let i = 0; i < n; i++) s += xs[i];
  const mean = s / n;
  for (let i = 0; i < n; i++) s2 += (xs[i] - mean) ** 2;
  return { mean, se: Math.sqrt(s2 / (n - 1) / n) };
};

/** Energy-distance two-sample permutation test (Szekely & Rizzo 2004) on points in R^d; p has resolution 1/(B+1). */
export const energyTest = (xs: ArrayLike<number>[], ys: ArrayLike<number>[], permutations = 999, seed = 1): { statistic: number; p: number } => {
  const pts = [...xs, ...ys], N = pts.length, n = xs.length;
  const dist = new Float64Array(N * N);
  for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) {
    let s = 0;
    for (let k = 0; k < pts[i].length; k++) s += (pts[i][k] - pts[j][k]) ** 2;
    dist[i * N + j] = dist[j * N + i] = Math.sqrt(s);
  }
  const stat = (label: Uint8Array) => {
    let xy = 0, xx = 0, yy = 0;
    for (let i = 0; i < N; i++) for (let j = i + 1; j < N; j++) {
      const v = dist[i * N + j];
      if (label[i] !== label[j]) xy += v; else if (label[i] === 0) xx += v; else yy += v;
    }
    const m = N - n;
    return (2 * xy) / (n * m) - (2 * xx) / (n * n) - (2 * yy) / (m * m);
  };
  const label = new Uint8Array(N).fill(1, n), observed = stat(label), rng = seededRng(seed);
  let ge = 0;
  for (let b = 0; b < permutations; b++) {
    for (let i = N - 1; i > 0; i--) { const j = Math.floor(rng.uniform() * (i + 1)); [label[i], label[j]] = [label[j], label[i]]; }
    if (stat(label) >= observed) ge++;
  }
  return { statistic: observed, p: (ge + 1) / (permutations + 1) };
};
