// High-precision standard normal references for tests, computed here from series (no tables).
// BigInt fixed point with F fractional bits, F chosen so that the cancellation in
// R(x) = sqrt(2 pi)/2 e^{x^2/2} - S(x), S(x) = sum x^{2n+1} / (2n+1)!! (Phi(x) = 1/2 + phi(x) S(x)),
// still leaves > 100 correct bits; the float64 results are correctly rounded up to ~1 ulp.

const toFixed = (x: number, F: number): bigint => {
  // A double is m * 2^k exactly: scale by 2^F with an exact BigInt shift.
  if (x === 0) return 0n;
  let k = 0, m = Math.abs(x);
  while (!Number.isInteger(m)) { m *= 2; k--; }
  const v = BigInt(m);
  const shifted = F + k >= 0 ? v << BigInt(F + k) : v >> BigInt(-(F + k));
  return x < 0 ? -shifted : shifted;
};

// atan(1/q) * 2^F by its alternating series (Machin's formula below).
const atanInv = (q: bigint, F: number): bigint => {
  let term = (1n << BigInt(F)) / q, sum = term, n = 1n, sign = -1n;
  const q2 = q * q;
  while (term !== 0n) {
    term /= q2;
    sum += sign * term / (2n * n + 1n);
    sign = -sign;
    n++;
  }
  return sum;
};

// floor(sqrt(v)) by Newton's iteration from above.
const isqrt = (v: bigint): bigint => {
  let x = 1n << BigInt((v.toString(2).length >> 1) + 1);
  for (;;) {
    const y = (x + v / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
};

// sqrt(2 pi) * 2^F, pi = 16 atan(1/5) - 4 atan(1/239) (Machin 1706).
const sqrt2pi = (F: number): bigint => {
  const G = F + 16;
  const pi = 16n * atanInv(5n, G) - 4n * atanInv(239n, G);
  return isqrt((2n * pi) << BigInt(G)) >> 16n;
};

// Correctly rounded N * 2^-F as a double (exact scaling while the result is a normal double).
const toDouble = (N: bigint, F: number): number => {
  if (N === 0n) return 0;
  const neg = N < 0n;
  let a = neg ? -N : N;
  const L = a.toString(2).length;
  let shift = L - 53;
  if (shift > 0) {
    const q = a >> BigInt(shift), r = a - (q << BigInt(shift)), half = 1n << BigInt(shift - 1);
    a = r > half || (r === half && (q & 1n) === 1n) ? q + 1n : q;
  } else shift = 0;
  const e = shift - F;
  const v = e >= -1000 ? Number(a) * 2 ** e : Number(a) * 2 ** (e + 200) * 2 ** -200;
  return neg ? -v : v;
};

// ln(N * 2^-F) for N > 0 without forming the (possibly subnormal) value.
const logFixed = (N: bigint, F: number): number => {
  const v = toDouble(N, F);
  if (v > 2 ** -1000 && v < 2 ** 1000) return Math.log(v);
  const L = N.toString(2).length, s = Math.max(L - 64, 0);
  return Math.log(Number(N >> BigInt(s))) + (s - F) * Math.LN2;
};

export interface NormalRef {
  sf: number; // Phi_bar(x)
  logSf: number;
  pdf: number;
  mills: number; // R(x) = Phi_bar / phi
  logMills: number;
  hazardGap: number; // 1/R(x) - x
}

/** Reference values at a double x with |x| <= ~45 (cost grows like x^4). */
export const normalRef = (x: number): NormalRef => {
  const F = Math.ceil(0.73 * x * x) + 160;
  const one = 1n << BigInt(F);
  const X = toFixed(x, F), X2 = (X * X) >> BigInt(F), H = X2 / 2n;
  let term = X, S = X;
  for (let n = 0n; term !== 0n; n++) { term = ((term * X2) >> BigInt(F)) / (2n * n + 3n); S += term; }
  let e = one, E = one; // exp(x^2/2)
  for (let k = 1n; e !== 0n; k++) { e = ((e * H) >> BigInt(F)) / k; E += e; }
  const ES = (E * sqrt2pi(F)) >> BigInt(F); // sqrt(2 pi) e^{x^2/2} = 1/phi
  const R = ES / 2n - S;
  const sfN = (R << BigInt(F)) / ES;
  const pdfN = (one << BigInt(F)) / ES;
  return {
    sf: toDouble(sfN, F),
    logSf: x < 0 ? Math.log1p(-toDouble(one - sfN, F)) : logFixed(sfN, F),
    pdf: toDouble(pdfN, F),
    mills: toDouble(R, F),
    logMills: logFixed(R, F),
    hazardGap: toDouble((one << BigInt(F)) / R - X, F),
  };
};

/** ln Phi_bar(x) for x >= 30 via the Laplace continued fraction for R (converged to ~1e-17 there): {hi, lo}. */
export const logSfRefFar = (x: number): { hi: number; lo: number } => {
  let r = 0;
  for (let k = 80; k >= 1; k--) r = k / (x + r);
  const logR = -Math.log(x + r);
  // x^2 as an exact double-double (Dekker split).
  const c = 134217729 * x, xh = c - (c - x), xl = x - xh, p = x * x;
  const e = xh * xh - p + 2 * xh * xl + xl * xl;
  const hi = -0.5 * p, lo = -0.5 * e - 0.9189385332046728 + logR;
  return { hi: hi + lo, lo: lo - (hi + lo - hi) };
};
