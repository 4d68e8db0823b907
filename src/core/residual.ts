// Typed facade over core.wasm's weighted-residual sampler (ALGORITHMS.md section 4; assembly/residual*.ts).
import type { Core, Ptr } from "./instance.ts";
import { blockLogWeight, nonFiniteTarget, readStepStats } from "./verify.ts";

type P = Ptr;
interface ResidualExports {
  residualCut(delta: number, logW: number): number;
  residualLogMass(delta: number, logW: number): number;
  residualCoord(delta: number, logW: number, u: number): number;
  residualOffset(delta: number, logW: number, u: number): number;
  residualApply(out: P, muT: P, muD: P, zeta: P, n: number, sigma: number, delta: number, v: number): number;
}

const kernels = (core: Core): ResidualExports => core.raw as unknown as ResidualExports;

/** c = delta/2 - ln(w)/delta, where w T and D cross along e. */
export const residualCut = (core: Core, delta: number, logW: number): number => kernels(core).residualCut(delta, logW);
/** ln M, M = w Phi_bar(c - delta) - Phi_bar(c): mass of max(0, w T - D). */
export const residualLogMass = (core: Core, delta: number, logW: number): number => kernels(core).residualLogMass(delta, logW);
/** v = s - delta of the 1-D residual draw with tail probability u in (0, 1]. */
export const residualCoord = (core: Core, delta: number, logW: number, u: number): number => kernels(core).residualCoord(delta, logW, u);
/** y = s - c >= 0 of the same draw, at full relative precision. */
export const residualOffset = (core: Core, delta: number, logW: number, u: number): number => kernels(core).residualOffset(delta, logW, u);

/** y = mu_T + sigma zeta + ((v - e . zeta) / delta)(mu_T - mu_D) into out; throws if the target mean is not finite. */
export const residualApply = (core: Core, out: P, muT: P, muD: P, zeta: P, sigma: number, delta: number, v: number, n: number): void => {
  if (kernels(core).residualApply(out, muT, muD, zeta, n, sigma, delta, v) < 0) throw nonFiniteTarget();
};

/** The residual draw of block verification after tau accepted steps: step tau+1's stats, weight w_tau from info. */
// u ~ U(0, 1) and zeta ~ N(0, I) must be fresh (never the draft's noise). Returns v = s - delta.
export const residualDraw = (core: Core, out: P, muT: P, muD: P, zeta: P, sigma: number, stats: P, tau: number, info: P, u: number, n: number): number => {
  const { delta } = readStepStats(core, stats, tau);
  const v = residualCoord(core, delta, blockLogWeight(core, info, tau), u);
  residualApply(core, out, muT, muD, zeta, sigma, delta, v, n);
  return v;
};
