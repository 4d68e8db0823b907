// Closed-form denoiser of an isotropic Gaussian mixture p_0 = sum_k w_k N(m_k, s^2 I) in dimension d,
// noised as x_t = sqrt(a) x_0 + sqrt(1 - a) eps (a = alphas_cumprod). Given component k,
// x_t ~ N(sqrt(a) m_k, v I) with v = a s^2 + 1 - a, so the posterior over components is
//   p_k(x_t) = softmax_k( log w_k - |x_t - sqrt(a) m_k|^2 / (2 v) )
// and, with mbar = sum_k p_k m_k (Tweedie's formula on the noised mixture):
//   eps(x_t) = -sqrt(1 - a) (sqrt(a) mbar - x_t) / v
//   E[x_0 | x_t] = ((1 - a) mbar + sqrt(a) s^2 x_t) / v
// Accuracy: distances and sums in f64 (f32 x f32 products are exact in f64), the result rounded
// once to f32: measured within 1 f32 ulp of a direct f64 reference. Components with posterior
// odds below e^-40 against the best are skipped: a change below K * 4.3e-18 max|m_k|.
import { axpy2, combine, dot2, promoteRow } from "./gmmkernels";
import { sqnorm } from "./vector";

// |x_t|^2 is common to every component and cancels in the softmax: the logit needs only
// a |m_k|^2 - 2 sqrt(a) x_t . m_k, so there is no cancellation against |x_t|^2.
const SKIP_LOGIT: f64 = -40.0;
const EPS_MODE: u32 = 0;
const X0_MODE: u32 = 1;

/** out f64 [k] = |m_k|^2 for means f32 [k*d] row-major; no overlap. Call once per mixture, before gmmEps/gmmX0. */
export function gmmMeanSqNorms(out: usize, means: usize, k: u32, d: u32): void {
  for (let c: u32 = 0; c < k; c++) store<f64>(out + (<usize>c << 3), sqnorm(means + (<usize>c * d << 2), d));
}

/** eps per row: out f32 [rows*d] (may equal x exactly, no other overlap), x f32 [rows*d], alphaBar f64 [rows] in [0, 1], means f32 [k*d] row-major, logWeights f64 [k] (natural log, need not be normalised), meanSqNorms f64 [k] from gmmMeanSqNorms, s2 = s^2 > 0, scratch f64 [k + 2d] owned by the call; pointers 8-byte aligned (16 preferred); a row's output depends on that row alone, bitwise. */
export function gmmEps(out: usize, x: usize, alphaBar: usize, rows: u32, d: u32, means: usize, logWeights: usize, meanSqNorms: usize, k: u32, s2: f64, scratch: usize): void {
  for (let r: u32 = 0; r < rows; r++) {
    const off = <usize>r * d << 2;
    gmmRow(out + off, x + off, load<f64>(alphaBar + (<usize>r << 3)), d, means, logWeights, meanSqNorms, k, s2, scratch, EPS_MODE);
  }
}

/** Posterior mean E[x_0 | x_t] per row (data units), same contract as gmmEps. */
export function gmmX0(out: usize, x: usize, alphaBar: usize, rows: u32, d: u32, means: usize, logWeights: usize, meanSqNorms: usize, k: u32, s2: f64, scratch: usize): void {
  for (let r: u32 = 0; r < rows; r++) {
    const off = <usize>r * d << 2;
    gmmRow(out + off, x + off, load<f64>(alphaBar + (<usize>r << 3)), d, means, logWeights, meanSqNorms, k, s2, scratch, X0_MODE);
  }
}

// One row: logits, posterior-weighted sum of the means, then the mode's affine map.
function gmmRow(out: usize, x: usize, a: f64, d: u32, means: usize, logWeights: usize, meanSqNorms: usize, k: u32, s2: f64, scratch: usize, mode: u32): void {
  const logit = scratch;
  const xs = scratch + (<usize>k << 3);
  const mbar = xs + (<usize>d << 3);
  const stride = <usize>d << 2;
  const sa = NativeMath.sqrt(a);
  const v = a * s2 + (1.0 - a);
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
    const q = a * load<f64>(meanSqNorms + (<usize>c << 3)) - 2.0 * sa * load<f64>(p);
    const l = load<f64>(logWeights + (<usize>c << 3)) - q / (2.0 * v);
    store<f64>(p, l);
    if (l > best) best = l;
  }
  memory.fill(mbar, 0, <usize>d << 3);
  let total = 0.0;
  let holding = false, held: usize = 0, heldP: f64 = 0;
  for (let c: u32 = 0; c < k; c++) {
    const z = load<f64>(logit + (<usize>c << 3)) - best;
    if (z < SKIP_LOGIT) continue; // NaN is not skipped: it poisons the row, as it should
    const p = NativeMath.exp(z);
    total += p;
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
  const sb = NativeMath.sqrt(1.0 - a);
  const c1 = mode == EPS_MODE ? -sb * sa / v / total : (1.0 - a) / v / total;
  const c2 = mode == EPS_MODE ? sb / v : sa * s2 / v;
  combine(out, mbar, c1, xs, c2, d);
}
