// Typed facade over core.wasm's mixture denoiser: upload a mixture once, evaluate batches of rows.
import { componentVariances, type GaussianMixture } from "../models/mixture.ts";
import { ALLOC_OVERHEAD, type Core, type Ptr } from "./instance.ts";

type P = Ptr;
interface GmmExports {
  gmmMeanSqNorms(out: P, means: P, k: number, d: number): void;
  gmmEps(out: P, x: P, alphaBar: P, rows: number, d: number, means: P, logWeights: P, meanSqNorms: P, k: number, s2: number, scratch: P): void;
  gmmX0(out: P, x: P, alphaBar: P, rows: number, d: number, means: P, logWeights: P, meanSqNorms: P, k: number, s2: number, scratch: P): void;
  gmmX0Family(out: P, x: P, alpha: P, noiseVar: P, rows: number, d: number, means: P, logWeights: P, meanSqNorms: P, k: number, compStd2: P, scratch: P): void;
}

/** Bytes uploadMixture takes in core memory (means, log-weights, |m_k|^2, c_k^2, the kernels' f64 scratch of k + 2d), allocation overhead included. */
export const residentMixtureBytes = (k: number, d: number): number => 4 * k * d + 24 * k + 8 * (k + 2 * d) + 5 * ALLOC_OVERHEAD;

/** A mixture resident in one Core's memory (valid until that core's heap is reset). */
export interface ResidentMixture {
  readonly k: number;
  readonly d: number;
  /** eps prediction at byte pointers in core memory: out f32 [rows*d] (may be x), x f32 [rows*d], alphaBar f64 [rows].
   * DDPM/DDIM rows of a mixture with a common std only (throws for per-component `stds`: use x0FamilyAt). */
  epsAt(out: P, x: P, alphaBar: P, rows: number): void;
  /** Posterior mean E[x_0 | x_t], same contract as epsAt. */
  x0At(out: P, x: P, alphaBar: P, rows: number): void;
  /** Posterior mean E[x_0 | x] for x = alpha x_0 + s xi, any family and either kind of std: out f32 [rows*d] (may be x),
   * x f32 [rows*d], alpha f64 [rows], noiseVar f64 [rows] = s^2 (alpha^2 c_k^2 + s^2 > 0). */
  x0FamilyAt(out: P, x: P, alpha: P, noiseVar: P, rows: number): void;
  /** Copies rows in, evaluates, returns a fresh array (rows = alphaBar.length). */
  eps(x: Float32Array, alphaBar: ArrayLike<number>): Float32Array;
  x0(x: Float32Array, alphaBar: ArrayLike<number>): Float32Array;
}

/** Copies the mixture's means, log-weights and |m_k|^2 into `core` and returns its evaluator. */
export const uploadMixture = (core: Core, mixture: GaussianMixture): ResidentMixture => {
  const raw = core.raw as unknown as GmmExports;
  const k = mixture.weights.length;
  const d = mixture.dim;
  const s2 = mixture.std * mixture.std;
  const perComponent = mixture.stds !== undefined;
  const means = core.allocF32(k * d);
  core.f32(means, k * d).set(mixture.means);
  const logWeights = core.allocF64(k);
  core.f64(logWeights, k).set(Array.from(mixture.weights, Math.log));
  const sqNorms = core.allocF64(k);
  raw.gmmMeanSqNorms(sqNorms, means, k, d);
  const compStd2 = core.allocF64(k);
  core.f64(compStd2, k).set(componentVariances(mixture));
  const scratch = core.allocF64(k + 2 * d);
  // Staging for the copying API: grown by doubling so repeated calls do not exhaust the arena.
  let cap = 0, xs = 0 as Ptr, alphas = 0 as Ptr;
  const stage = (rows: number): void => {
    if (rows <= cap) return;
    cap = Math.max(rows, 2 * cap);
    xs = core.allocF32(cap * d);
    alphas = core.allocF64(cap);
  };
  const commonOnly = (what: string) => {
    if (perComponent) throw new RangeError(`gmm: ${what} needs a common std; mixture ${mixture.id} has one per component (use x0FamilyAt)`);
  };
  const epsAt = (out: P, x: P, alphaBar: P, rows: number) => {
    commonOnly("epsAt");
    raw.gmmEps(out, x, alphaBar, rows, d, means, logWeights, sqNorms, k, s2, scratch);
  };
  const x0At = (out: P, x: P, alphaBar: P, rows: number) => {
    commonOnly("x0At");
    raw.gmmX0(out, x, alphaBar, rows, d, means, logWeights, sqNorms, k, s2, scratch);
  };
  const x0FamilyAt = (out: P, x: P, alpha: P, noiseVar: P, rows: number) =>
    raw.gmmX0Family(out, x, alpha, noiseVar, rows, d, means, logWeights, sqNorms, k, compStd2, scratch);
  const copying = (kernel: typeof epsAt) =>
    function evaluateRows(x: Float32Array, alphaBar: ArrayLike<number>): Float32Array {
      const rows = alphaBar.length;
      if (x.length !== rows * d) throw new RangeError(`gmm: x has ${x.length} values, expected ${rows} x ${d}`);
      stage(rows);
      core.f32(xs, rows * d).set(x);
      core.f64(alphas, rows).set(alphaBar);
      kernel(xs, xs, alphas, rows);
      return core.f32(xs, rows * d).slice();
    };
  return { k, d, epsAt, x0At, x0FamilyAt, eps: copying(epsAt), x0: copying(x0At) };
};
