// Counters of what the sampler did, kept per chain and per schedule step; every figure is a count.

export interface StepCounters {
  /** Drafts of this step that were verified, and how many were committed unchanged. */
  verified: number;
  accepted: number;
  /** Sum of delta over verified drafts (the normalised mean gap of ALGORITHMS.md section 2). */
  deltaSum: number;
  /** Sum of the maximal-coupling acceptance 2 Phi_bar(delta / 2) over verified drafts. */
  couplingSum: number;
}

export interface ChainCounters {
  /** Sequential denoiser calls this chain took part in (warm-up and deterministic steps included). */
  rounds: number;
  /** Rows this chain put into those calls. */
  rows: number;
  /** Steps committed (equals the schedule's N at the end). */
  committed: number;
  /** Drafted steps committed unchanged. */
  accepted: number;
}

export const newChainCounters = (): ChainCounters => ({ rounds: 0, rows: 0, committed: 0, accepted: 0 });

export const newStepCounters = (n: number): StepCounters[] =>
  Array.from({ length: n }, () => ({ verified: 0, accepted: 0, deltaSum: 0, couplingSum: 0 }));

/** Drafts verified and accepted so far over all chains and steps (running totals for round events). */
export interface VerifyTotals {
  verified: number;
  accepted: number;
}
