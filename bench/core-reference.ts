// Plain-TypeScript reference for bench/core.ts: the same per-round maths as core.wasm, written the obvious
// way (scalar loops, JS numbers in f64, Math.log/cos/sin/sqrt, f32 storage like the wasm buffers). Correct,
// not tuned and not deliberately slow: it is the baseline the SIMD core is measured against.

/** Philox4x32-10 block (Salmon et al., SC 2011) of counter (c0, c1, c2, c3) under key (k0, k1) into out. */
export function philoxRef(out: Uint32Array, c0: number, c1: number, c2: number, c3: number, k0: number, k1: number): void {
  // Words are kept as int32 (same bits) so V8 stays on small integers; only mulhi needs the unsigned value.
  c0 |= 0; c1 |= 0; c2 |= 0; c3 |= 0; k0 |= 0; k1 |= 0;
  for (let r = 0; r < 10; r++) {
    const h0 = mulhi(0xd2511f53, c0), l0 = Math.imul(0xd2511f53, c0);
    const h1 = mulhi(0xcd9e8d57, c2), l1 = Math.imul(0xcd9e8d57, c2);
    c0 = h1 ^ c1 ^ k0;
    c1 = l1;
    c2 = h0 ^ c3 ^ k1;
    c3 = l0;
    k0 = (k0 + 0x9e3779b9) | 0;
    k1 = (k1 + 0xbb67ae85) | 0;
  }
  out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

// High word (as int32 bits) of the 64-bit product a*b, a < 2^32 and b an int32 read as unsigned:
// floor((p1 2^16 + p0) / 2^32) from exact f64 pieces below 2^53.
function mulhi(a: number, b: number): number {
  const p1 = a * (b >>> 16), p0 = a * (b & 0xffff); // each < 2^48
  return Math.floor((p1 + Math.floor(p0 * INV_2_16)) * INV_2_16) | 0;
}
const INV_2_16 = 1 / 65536;

const WORDS = new Uint32Array(4);
const U32 = 2.3283064365386963e-10; // 2^-32: u(x) = (x + 0.5) 2^-32 in (0, 1)
const TWO_PI_U32 = 2 * Math.PI * U32; // t = 2 pi u(x)

/** Normals start..start+n-1 of a stream, same layout as core.wasm: element j is Box-Muller normal j & 3 of block j >> 2. */
export function fillNormalRef(out: Float32Array, start: number, n: number, k0: number, k1: number, c1: number, c2: number, c3: number): void {
  const end = start + n;
  for (let block = start >>> 2; 4 * block < end; block++) {
    philoxRef(WORDS, block, c1, c2, c3, k0, k1);
    const ra = Math.sqrt(-2 * Math.log((WORDS[0] + 0.5) * U32)), ta = TWO_PI_U32 * (WORDS[1] + 0.5);
    const rb = Math.sqrt(-2 * Math.log((WORDS[2] + 0.5) * U32)), tb = TWO_PI_U32 * (WORDS[3] + 0.5);
    const j = 4 * block;
    if (j >= start) out[j - start] = ra * Math.cos(ta);
    if (j + 1 >= start && j + 1 < end) out[j + 1 - start] = ra * Math.sin(ta);
    if (j + 2 >= start && j + 2 < end) out[j + 2 - start] = rb * Math.cos(tb);
    if (j + 3 >= start && j + 3 < end) out[j + 3 - start] = rb * Math.sin(tb);
  }
}

/** Uniform element j of a stream: words (0, 1) of block j >> 1 when j is even, (2, 3) when odd; odd multiples of 2^-53. */
export function uniformRef(j: number, k0: number, k1: number, c1: number, c2: number, c3: number): number {
  philoxRef(WORDS, j >>> 1, c1, c2, c3, k0, k1);
  const hi = WORDS[2 * (j & 1)] >>> 12, lo = WORDS[2 * (j & 1) + 1];
  return ((hi * 4294967296 + lo) * 2 + 1) * 1.1102230246251565e-16;
}

/** out = a x + b y over f32 storage, arithmetic in f64. */
export function affine2Ref(out: Float32Array, a: number, x: Float32Array, b: number, y: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a * x[i] + b * y[i];
}

/** ALGORITHMS.md section 2: delta = |muT - muD| / sigma, s = e . xi, log r = delta s - delta^2 / 2 (one pass, f64 sums). */
export function stepStatsRef(muT: Float32Array, muD: Float32Array, xi: Float32Array, sigma: number): { delta: number; s: number; logR: number } {
  let ss = 0, sx = 0;
  for (let i = 0; i < muT.length; i++) {
    const g = muT[i] - muD[i];
    ss += g * g;
    sx += g * xi[i];
  }
  const norm = Math.sqrt(ss);
  const delta = norm / sigma;
  const s = norm > 0 ? sx / norm : 0;
  return { delta, s, logR: delta * s - 0.5 * delta * delta };
}

const INV_SQRT_2PI = 0.3989422804014327; // 1 / sqrt(2 pi)
const phi = (x: number): number => INV_SQRT_2PI * Math.exp(-0.5 * x * x);

/** Upper normal tail Phi_bar(x): series phi(x) sum x^(2n+1) / (2n+1)!! below |x| = 3, Mills-ratio continued fraction above. */
export function normSfRef(x: number): number {
  if (x < -3) return 1 - normSfRef(-x);
  if (x > 3) {
    let f = x; // R(x) = 1 / (x + 1 / (x + 2 / (x + 3 / ...))), evaluated from depth 80 upwards
    for (let k = 80; k >= 1; k--) f = x + k / f;
    return phi(x) / f;
  }
  let term = x, sum = x;
  for (let n = 1; Math.abs(term) > 1e-17 * Math.abs(sum); n++) sum += (term *= (x * x) / (2 * n + 1));
  return 0.5 - phi(x) * sum;
}

/** Block verification (ALGORITHMS.md section 4): log weights and tau from log r_i, delta_i and uniforms eta_i. */
export function blockTauRef(delta: number[], logR: number[], eta: number[]): { tau: number; logW: number[] } {
  const L = delta.length, logW = [0];
  for (let i = 1; i <= L; i++) logW.push(Math.min(0, logW[i - 1] + logR[i - 1]));
  let tau = 0;
  for (let i = 1; i <= L; i++) {
    let h = Math.exp(logW[L]);
    if (i < L) {
      const w = Math.exp(logW[i]), d = delta[i];
      const M = residualMass(w, d);
      h = w === 1 ? 1 : M / (M + 1 - w);
    }
    if (eta[i - 1] <= h) tau = i;
  }
  return { tau, logW };
}

const residualMass = (w: number, delta: number): number => {
  const c = delta / 2 - Math.log(w) / delta;
  return w * normSfRef(c - delta) - normSfRef(c);
};

/** 1-D weighted residual (section 4) by bisection on (c, c + 40]: the s whose upper tail (1 - F(s)) is u, core.wasm's convention. */
export function residualSRef(w: number, delta: number, u: number): number {
  const c = delta / 2 - Math.log(w) / delta, M = residualMass(w, delta);
  const tail = (s: number) => (w * normSfRef(s - delta) - normSfRef(s)) / M; // decreasing from 1 at s = c
  let lo = c, hi = c + 40;
  for (let it = 0; it < 200 && hi - lo > 1e-12 * Math.max(1, Math.abs(lo)); it++) {
    const mid = 0.5 * (lo + hi);
    if (tail(mid) > u) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** y = mu_D + sigma (s e + zeta - (e . zeta) e), e = (muT - muD) / (sigma delta): two passes (projection, then output). */
export function reconstructRef(out: Float32Array, muD: Float32Array, muT: Float32Array, zeta: Float32Array, sigma: number, delta: number, s: number): void {
  const norm = sigma * delta;
  let ez = 0;
  for (let i = 0; i < out.length; i++) ez += (muT[i] - muD[i]) * zeta[i];
  ez /= norm;
  const along = (sigma * (s - ez)) / norm;
  for (let i = 0; i < out.length; i++) out[i] = muD[i] + sigma * zeta[i] + along * (muT[i] - muD[i]);
}
