// The one-step weighted-residual sampler of block verification (ALGORITHMS.md section 4). Re-exports only.
export { residualCut, residualLogMass } from "./residual_mass";
export { residualCoord, residualOffset, residualIters } from "./residual_solve";
export { residualApply } from "./residual_apply";
