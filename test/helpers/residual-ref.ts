// Independent references for the weighted residual along e, built from its density alone (no tail
// formulas): with y = s - c > 0, w phi(s - delta) - phi(s) is proportional to
//   q(y) = exp(-c y - y^2/2) expm1(delta y),   c = delta/2 - ln(w)/delta,  b = c - delta.
// CDF and log-tail by composite 10-point Gauss-Legendre (relative error ~1e-13); an exact rejection sampler.
import type { Rng } from "../../tools/fixtures/stats.ts";

// 10-point Gauss-Legendre on [-1, 1], nodes from Newton on P_10 (computed here, not tabulated).
const GL = (() => {
  const n = 10, xs: number[] = [], ws: number[] = [];
  for (let i = 1; i <= n; i++) {
    let x = Math.cos(Math.PI * (i - 0.25) / (n + 0.5)), dp = 0;
    for (let it = 0; it < 100; it++) {
      let p0 = 1, p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      dp = n * (x * p1 - p0) / (x * x - 1);
      const dx = p1 / dp;
      x -= dx;
      if (Math.abs(dx) < 1e-16) break;
    }
    xs.push(x);
    ws.push(2 / ((1 - x * x) * dp * dp));
  }
  return { xs, ws };
})();

const glPanel = (f: (y: number) => number, a: number, b: number): number => {
  const m = 0.5 * (a + b), r = 0.5 * (b - a);
  let s = 0;
  for (let i = 0; i < GL.xs.length; i++) s += GL.ws[i] * f(m + r * GL.xs[i]);
  return r * s;
};

export interface ResidualRef {
  c: number;
  b: number;
  /** ln q(y) up to a constant. */
  lnq(y: number): number;
  /** P(Y <= y). */
  cdf(y: number): number;
  /** ln P(Y > y), accurate far into the tail. */
  logTail(y: number): number;
  /** ln M, M = integral of w phi(s - delta) - phi(s) over s > c. */
  logMass: number;
}

export const residualRef = (delta: number, logW: number): ResidualRef => {
  const c = 0.5 * delta - logW / delta, b = c - delta;
  const lnq = (y: number) => -c * y - 0.5 * y * y + (delta * y < 0.5 ? Math.log(Math.expm1(delta * y)) : delta * y + Math.log1p(-Math.exp(-delta * y)));
  const slope = (y: number) => -c - y + delta / -Math.expm1(-delta * y);
  let lo = 0, hi = 1;
  while (slope(hi) > 0) hi *= 2;
  for (let i = 0; i < 200; i++) { const m = 0.5 * (lo + hi); if (slope(m) > 0) lo = m; else hi = m; }
  const mode = 0.5 * (lo + hi), top = lnq(mode);
  const e = Math.exp(-delta * mode), ome = -Math.expm1(-delta * mode);
  const sd = 1 / Math.sqrt(1 + delta * delta * e / (ome * ome));
  const h = sd / 16, f = (y: number) => Math.exp(lnq(y) - top);
  const edges = [0], cum = [0];
  for (let k = 1; edges[k - 1] < mode || f(edges[k - 1]) > 1e-300; k++) {
    edges.push(k * h);
    cum.push(cum[k - 1] + glPanel(f, edges[k - 1], edges[k]));
  }
  const total = cum[cum.length - 1];
  const cdf = (y: number) => {
    if (!(y > 0)) return 0;
    const k = Math.min(Math.floor(y / h), edges.length - 1);
    return Math.min(1, (cum[k] + (k < edges.length - 1 ? glPanel(f, edges[k], y) : 0)) / total);
  };
  const logTail = (y: number) => {
    if (y <= mode + 5 * sd) return Math.log1p(-cdf(y));
    // Panels sized by the local decay rate, integrand scaled by q(y) so nothing underflows.
    const ly = lnq(y), g = (t: number) => Math.exp(lnq(t) - ly);
    let s = 0, a = y;
    for (let k = 0; k < 100000; k++) {
      const w = Math.min(sd, 1 / -slope(a)) / 8, piece = glPanel(g, a, a + w);
      s += piece;
      a += w;
      if (piece < 1e-18 * s) break;
    }
    return ly + Math.log(s) - top - Math.log(total);
  };
  const logMass = -0.5 * c * c - 0.9189385332046728 + top + Math.log(total);
  return { c, b, lnq, cdf, logTail, logMass };
};

// Z ~ N(0, 1) conditioned on Z > a: plain rejection, or Robert's (1995) exponential proposal for a > 0.5.
const truncatedNormal = (rng: Rng, a: number): number => {
  if (a < 0.5) for (;;) { const z = rng.normal(); if (z > a) return z; }
  const lam = 0.5 * (a + Math.sqrt(a * a + 4));
  for (;;) {
    const z = a - Math.log(rng.uniform()) / lam;
    if (rng.uniform() <= Math.exp(-0.5 * (z - lam) ** 2)) return z;
  }
};

/** Exact draws of y from q by rejection, using only q: envelope e^{-b y - y^2/2} (delta > 2) or delta y e^{-b y - y^2/2}. */
export const residualRejection = (rng: Rng, delta: number, logW: number): number => {
  const c = 0.5 * delta - logW / delta, b = c - delta;
  if (delta > 2) {
    for (;;) {
      const y = truncatedNormal(rng, b) - b;
      if (rng.uniform() <= -Math.expm1(-delta * y)) return y;
    }
  }
  // y e^{-b y - y^2/2} by a Gamma(2, beta) proposal, beta maximising the acceptance rate.
  const beta = 0.5 * (b + Math.sqrt(b * b + 8));
  for (;;) {
    const y = -Math.log(rng.uniform() * rng.uniform()) / beta;
    if (rng.uniform() > Math.exp(-0.5 * (y - (beta - b)) ** 2)) continue;
    if (rng.uniform() <= -Math.expm1(-delta * y) / (delta * y)) return y;
  }
};
