// Closed-form denoiser of an isotropic Gaussian mixture p_0 = sum_k w_k N(m_k, c_k^2 I) in dimension d,
// noised by any family x = alpha x_0 + s xi (ALGORITHMS.md 1b, "Analytic mixtures under any family"):
// (alpha, s^2) = (sqrt(a), 1 - a) for DDPM/DDIM (a = alphas_cumprod), (1, sigma^2) for Euler sigmas,
// (1 - sigma, sigma^2) for flow matching. Given component k, x ~ N(alpha m_k, v_k I) with
// v_k = alpha^2 c_k^2 + s^2, so the posterior over components is
//   r_k(x) = softmax_k( log w_k - |x - alpha m_k|^2 / (2 v_k) - (d/2) log v_k )
// and E[x_0 | x] = sum_k r_k (m_k + (alpha c_k^2 / v_k)(x - alpha m_k))
//               = sum_k r_k ((s^2 / v_k) m_k + (alpha c_k^2 / v_k) x).
// With a common c_k^2 = c^2 (v_k = v) and mbar = sum_k r_k m_k (Tweedie's formula on the noised mixture):
//   eps(x) = (x - alpha E[x_0 | x]) / s = s (x - alpha mbar) / v
//   E[x_0 | x] = (s^2 mbar + alpha c^2 x) / v
// Accuracy: distances and sums in f64 (f32 x f32 products are exact in f64), the result rounded
// once to f32: measured within 1 f32 ulp of a direct f64 reference, with a common c or per-component
// c_k (test/core/gmm.test.ts, gmm-family.test.ts). Components with posterior odds below e^-40
// against the best are skipped: a change below K * 4.3e-18 max|m_k|.
import { axpy2, combine, dist2, dot2, promoteRow } from "./gmmkernels";
import { sqnorm } from "./vector";

// Common c: |x|^2 is common to every component and cancels in the softmax, so the logit needs only
// alpha^2 |m_k|^2 - 2 alpha x . m_k, with no cancellation against |x|^2. Per-component c_k: it no
// longer cancels, so the distances are formed directly (dist2).
const SKIP_LOGIT: f64 = -40.0;
const EPS_MODE: u32 = 0;
const X0_MODE: u32 = 1;

/** out f64 [k] = |m_k|^2 for means f32 [k*d] row-major; no overlap. Call once per mixture, before gmmEps/gmmX0/gmmX0Family. */
export function gmmMeanSqNorms(out: usize, means: usize, k: u32, d: u32): void {
  for (let c: u32 = 0; c < k; c++) store<f64>(out + (<usize>c << 3), sqnorm(means + (<usize>c * d << 2), d));
}

/** eps per row (DDPM/DDIM family): out f32 [rows*d] (may equal x exactly, no other overlap), x f32 [rows*d], alphaBar f64 [rows] in [0, 1], means f32 [k*d] row-major, logWeights f64 [k] (natural log, need not be normalised), meanSqNorms f64 [k] from gmmMeanSqNorms, s2 = c^2 > 0, scratch f64 [k + 2d] owned by the call; pointers 8-byte aligned (16 preferred); a row's output depends on that row alone, bitwise. */
export function gmmEps(out: usize, x: usize, alphaBar: usize, rows: u32, d: u32, means: usize, logWeights: usize, meanSqNorms: usize, k: u32, s2: f64, scratch: usize): void {
  for (let r: u32 = 0; r < rows; r++) {
    const off = <usize>r * d << 2;
    const a = load<f64>(alphaBar + (<usize>r << 3));
    gmmRow(out + off, x + off, NativeMath.sqrt(a), a, 1.0 - a, d, means, logWeights, meanSqNorms, k, s2, scratch, EPS_MODE);
  }
}

/** Posterior mean E[x_0 | x_t] per row (data units), same contract as gmmEps. */
export function gmmX0(out: usize, x: usize, alphaBar: usize, rows: u32, d: u32, means: usize, logWeights: usize, meanSqNorms: usize, k: u32, s2: f64, scratch: usize): void {
  for (let r: u32 = 0; r < rows; r++) {
    const off = <usize>r * d << 2;
    const a = load<f64>(alphaBar + (<usize>r << 3));
    gmmRow(out + off, x + off, NativeMath.sqrt(a), a, 1.0 - a, d, means, logWeights, meanSqNorms, k, s2, scratch, X0_MODE);
  }
}

/** Posterior mean E[x_0 | x] per row under any family x = alpha x_0 + s xi: out f32 [rows*d] (may equal x exactly, no other overlap), x f32 [rows*d], alpha f64 [rows] >= 0, noiseVar f64 [rows] = s^2 >= 0 (alpha^2 c_k^2 + s^2 > 0), means, logWeights, meanSqNorms as for gmmX0, compStd2 f64 [k] = c_k^2 > 0 (all equal for a common std, which takes gmmX0's faster path), scratch f64 [k + 2d] owned by the call; pointers 8-byte aligned (16 preferred); a row's output depends on that row alone, bitwise. */
export function gmmX0Family(out: usize, x: usize, alpha: usize, noiseVar: usize, rows: u32, d: u32, means: usize, logWeights: usize, meanSqNorms: usize, k: u32, compStd2: usize, scratch: usize): void {
  const s2 = load<f64>(compStd2);
  let common = true;
  for (let c: u32 = 1; c < k; c++) common = common && load<f64>(compStd2 + (<usize>c << 3)) == s2;
  for (let r: u32 = 0; r < rows; r++) {
    const off = <usize>r * d << 2;
    const al = load<f64>(alpha + (<usize>r << 3));
    const nv = load<f64>(noiseVar + (<usize>r << 3));
    if (common) gmmRow(out + off, x + off, al, al * al, nv, d, means, logWeights, meanSqNorms, k, s2, scratch, X0_MODE);
    else familyRow(out + off, x + off, al, nv, d, means, logWeights, k, compStd2, scratch);
  }
}

// One row, common c^2 = s2: logits, posterior-weighted sum of the means, then the mode's affine map.
// alpha is the data scale, a2 = alpha^2 and nv = s^2 the noise variance, passed as the callers
// compute them (gmmEps/gmmX0: sqrt(a), a, 1 - a) so the VP results are unchanged bit for bit.
function gmmRow(out: usize, x: usize, alpha: f64, a2: f64, nv: f64, d: u32, means: usize, logWeights: usize, meanSqNorms: usize, k: u32, s2: f64, scratch: usize, mode: u32): void {
  const logit = scratch;
  const xs = scratch + (<usize>k << 3);
  const mbar = xs + (<usize>d << 3);
  const stride = <usize>d << 2;
  const v = a2 * s2 + nv;
  promoteRow(xs, x, d);
  // Dot products two components at a time; an odd last one is paired with itself.
  for (let c: u32 = 0; c < k; c += 2) {
    const m = means + <usize>c * stride;
    const last = c + 1 == k;
    dot2(logit + (<usize>c << 3), logit + (<usize>(last ? c : c + 1) << 3), xs, m, last ? m : m + stride, d);
  }
  let best = -Infinity;
  for (let c: u32 = 0; c < k; c++) {
    const p = logit + (<usize>c << 3);
    const q = a2 * load<f64>(meanSqNorms + (<usize>c << 3)) - 2.0 * alpha * load<f64>(p);
    const l = load<f64>(logWeights + (<usize>c << 3)) - q / (2.0 * v);
    store<f64>(p, l);
    if (l > best) best = l;
  }
  const total = accumulate(mbar, logit, best, means, k, d, 0, a2, nv);
  const sb = NativeMath.sqrt(nv);
  const c1 = mode == EPS_MODE ? -sb * alpha / v / total : nv / v / total;
  const c2 = mode == EPS_MODE ? sb / v : alpha * s2 / v;
  combine(out, mbar, c1, xs, c2, d);
}

// One row, per-component c_k^2: direct distances, the (d/2) log v_k normaliser, then
// out = (sum_k p_k (s^2 / v_k) m_k + alpha (sum_k p_k c_k^2 / v_k) x) / sum_k p_k.
function familyRow(out: usize, x: usize, alpha: f64, nv: f64, d: u32, means: usize, logWeights: usize, k: u32, compStd2: usize, scratch: usize): void {
  const logit = scratch;
  const xs = scratch + (<usize>k << 3);
  const mbar = xs + (<usize>d << 3);
  const stride = <usize>d << 2;
  const a2 = alpha * alpha;
  const halfD = 0.5 * <f64>d;
  promoteRow(xs, x, d);
  for (let c: u32 = 0; c < k; c += 2) {
    const m = means + <usize>c * stride;
    const last = c + 1 == k;
    dist2(logit + (<usize>c << 3), logit + (<usize>(last ? c : c + 1) << 3), xs, m, last ? m : m + stride, alpha, d);
  }
  let best = -Infinity;
  for (let c: u32 = 0; c < k; c++) {
    const p = logit + (<usize>c << 3);
    const v = a2 * load<f64>(compStd2 + (<usize>c << 3)) + nv;
    const l = load<f64>(logWeights + (<usize>c << 3)) - load<f64>(p) / (2.0 * v) - halfD * NativeMath.log(v);
    store<f64>(p, l);
    if (l > best) best = l;
  }
  const total = accumulate(mbar, logit, best, means, k, d, compStd2, a2, nv);
  let g = 0.0;
  for (let c: u32 = 0; c < k; c++) {
    const c2 = load<f64>(compStd2 + (<usize>c << 3));
    g += load<f64>(logit + (<usize>c << 3)) * c2 / (a2 * c2 + nv);
  }
  combine(out, mbar, 1.0 / total, xs, alpha * g / total, d);
}

// mbar f64 [d] = sum_k p_k u_k m_k with p_k = exp(logit_k - best) over the components not skipped, and
// u_k = 1 (compStd2 == 0) or s^2 / v_k (per-component variances); returns sum_k p_k and leaves p_k
// (0 where skipped) in place of logit_k.
function accumulate(mbar: usize, logit: usize, best: f64, means: usize, k: u32, d: u32, compStd2: usize, a2: f64, nv: f64): f64 {
  const stride = <usize>d << 2;
  memory.fill(mbar, 0, <usize>d << 3);
  let total = 0.0;
  let holding = false, held: usize = 0, heldP: f64 = 0;
  for (let c: u32 = 0; c < k; c++) {
    const z = load<f64>(logit + (<usize>c << 3)) - best;
    if (z < SKIP_LOGIT) { // NaN is not skipped: it poisons the row, as it should
      store<f64>(logit + (<usize>c << 3), 0.0);
      continue;
    }
    let p = NativeMath.exp(z);
    store<f64>(logit + (<usize>c << 3), p);
    total += p;
    if (compStd2 != 0) p *= nv / (a2 * load<f64>(compStd2 + (<usize>c << 3)) + nv);
    const m = means + <usize>c * stride;
    // Accumulate active components in pairs (one pass over mbar per two means).
    if (!holding) {
      held = m;
      heldP = p;
    } else {
      axpy2(mbar, heldP, held, p, m, d);
    }
    holding = !holding;
  }
  if (holding) axpy2(mbar, heldP, held, 0.0, held, d);
  return total;
}
