// The Beta(a, b) distribution's quantile function (scipy.stats.beta.ppf), needed by diffusers'
// use_beta_sigmas (Lee et al. 2024, "Beta Sampling is All You Need", a = b = 0.6).
// ln Gamma: Lanczos' approximation, g = 7, 9 terms (the widely published coefficient set).
// I_x(a, b): the continued fraction DLMF 8.17.22, evaluated by the modified Lentz method,
// on the side x < (a + 1) / (a + b + 2) where it converges fast (else 1 - I_{1-x}(b, a), DLMF 8.17.4).
// ppf: Newton's method on I_x(a, b) = p, kept inside a shrinking bisection bracket.

const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Gamma(x) for x > 0. */
export function lnGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x); // reflection
  const z = x - 1;
  let s = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) s += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

const lnBeta = (a: number, b: number): number => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

// 1 + d1/(1 + d2/(1 + ...)) with d_{2m+1} = -(a+m)(a+b+m)x / ((a+2m)(a+2m+1)), d_{2m} = m(b-m)x / ((a+2m-1)(a+2m)).
function incBetaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let f = 1;
  let c = 1;
  let d = 0;
  for (let j = 1; j <= 2000; j++) {
    const m = j >> 1;
    const dj = j % 2 === 1 ? (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)) : (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + dj * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + dj / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return f;
}

/** The regularized incomplete beta function I_x(a, b), a, b > 0, x in [0, 1]. */
export function incBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x > (a + 1) / (a + b + 2)) return 1 - incBeta(1 - x, b, a);
  const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b)) / a;
  return front / incBetaFraction(a, b, x);
}

// Solves I_x(a, b) = p for p <= 1/2 or so (the side where x is best resolved).
function solve(p: number, a: number, b: number): number {
  const lnB = lnBeta(a, b);
  let lo = 0;
  let hi = 1;
  // Start from the small-x asymptote I_x ~ x^a / (a B(a, b)).
  let x = Math.exp((Math.log(p) + Math.log(a) + lnB) / a);
  if (!(x > 0 && x < 1)) x = 0.5;
  for (let iter = 0; iter < 300; iter++) {
    const f = incBeta(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const pdf = Math.exp((a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - lnB);
    let next = x - f / pdf;
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
    if (next === x || Math.abs(next - x) <= 1e-15 * next || next === lo || next === hi) return next;
    x = next;
  }
  return x;
}

/** scipy.stats.beta.ppf(p, a, b): the x in [0, 1] with I_x(a, b) = p. */
export function betaPpf(p: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || Number.isNaN(p) || p < 0 || p > 1) throw new Error(`beta ppf needs a, b > 0 and p in [0, 1], got p = ${p}, a = ${a}, b = ${b}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  return p <= 0.5 ? solve(p, a, b) : 1 - solve(1 - p, b, a);
}
