// The stats a request reports, derived from the per-chain counters.
import type { SamplerOptions } from "./options.ts";
import type { ChainState } from "./state.ts";
import type { StepCounters } from "./stats.ts";

export interface ChainSummary {
  rounds: number;
  rows: number;
  committed: number;
  accepted: number;
  committed_per_round: number;
}

export interface StepSummary {
  step: number;
  t: number;
  sigma: number;
  /** Drafts of this step that were verified; delta and acceptance are means over them (null when none). */
  verified: number;
  delta: number | null;
  acceptance: number | null;
  /** Mean of the maximal-coupling acceptance 2 Phi_bar(delta / 2) over the same drafts. */
  coupling_acceptance: number | null;
}

export interface SampleStats {
  method: string;
  steps: number;
  /** Batched denoiser calls made (sequential calls: the latency). */
  rounds: number;
  target_rows: number;
  /** N / rounds: the sequential sampler takes one round per step. */
  speedup: number;
  /** Drafts committed unchanged over drafts verified, all chains. */
  acceptance: number | null;
  chains: ChainSummary[];
  per_step: StepSummary[];
}

export const summarise = (opts: SamplerOptions, rounds: number, chains: ChainState[], counters: StepCounters[]): SampleStats => {
  const steps = opts.schedule.steps;
  const perStep: StepSummary[] = steps.map((st, k) => {
    const { verified, accepted, deltaSum, couplingSum } = counters[k];
    const mean = (x: number) => (verified ? x / verified : null);
    return { step: k, t: st.t, sigma: st.sigma, verified, delta: mean(deltaSum), acceptance: mean(accepted), coupling_acceptance: mean(couplingSum) };
  });
  const verified = perStep.reduce((a, s) => a + s.verified, 0);
  const accepted = counters.reduce((a, s) => a + s.accepted, 0);
  return {
    method: opts.method,
    steps: steps.length,
    rounds,
    target_rows: chains.reduce((a, c) => a + c.counters.rows, 0),
    speedup: rounds > 0 ? steps.length / rounds : 1,
    acceptance: verified ? accepted / verified : null,
    chains: chains.map((c) => ({
      rounds: c.counters.rounds,
      rows: c.counters.rows,
      committed: c.counters.committed,
      accepted: c.counters.accepted,
      committed_per_round: c.counters.rounds ? c.counters.committed / c.counters.rounds : 0,
    })),
    per_step: perStep,
  };
};
