// One benchmark cell: rounds per sample with a 95% interval over chains, and what the drafts did.
import type { StepSummary } from "../../src/sampler/summary.ts";
import { fmt, fmtOpt, meanCI, weightedStepMean } from "../harness.ts";
import { runOn, type Spec, type Target } from "./targets.ts";

export interface Cell {
  model: string;
  label: string;
  spec: Spec;
  /** Per chain: the sequential calls it took part in (warm-up and final step included). */
  rounds: { mean: number; half: number };
  /** The request's batched calls: its latency in round trips (the slowest chain's rounds). */
  requestRounds: number;
  speedup: number;
  acceptance: number | null;
  delta: number | null;
  coupling: number | null;
  rowsPerSample: number;
  perStep: StepSummary[];
}

export const measure = async (target: Target, spec: Spec, label: string = spec.method): Promise<Cell> => {
  const run = await runOn(target, spec);
  const rounds = meanCI(run.stats.chains.map((c) => c.rounds));
  return {
    model: target.id, label, spec, rounds,
    requestRounds: run.stats.rounds,
    speedup: spec.steps / rounds.mean,
    acceptance: run.stats.acceptance,
    delta: weightedStepMean(run.stats.per_step, "delta"),
    coupling: weightedStepMean(run.stats.per_step, "coupling_acceptance"),
    rowsPerSample: run.stats.target_rows / spec.chains,
    perStep: run.stats.per_step,
  };
};

export const CELL_HEADER =
  "| model | N | method | draft | L | rounds/sample (95% CI) | request rounds | speed-up | acceptance | mean delta | rows/sample |\n|---|---|---|---|---|---|---|---|---|---|---|";

export const cellLine = (c: Cell): string => {
  const d = c.spec.draft ?? {};
  const draft = c.spec.method === "sequential" ? "-" : `${d.type ?? "free"} ${d.freeze ?? "x0"}${d.bonus === false ? " no-bonus" : ""}${d.adaptive ? " adaptive" : ""}`;
  const window = c.spec.method === "sequential" ? "-" : `${d.adaptive ? "<=" : ""}${d.window ?? 16}`;
  return `| ${c.model} | ${c.spec.steps} | ${c.label} | ${draft} | ${window} | ${fmt(c.rounds.mean, 1)} ± ${fmt(c.rounds.half, 1)} | ${c.requestRounds} | ${fmt(c.speedup)}x | ${fmtOpt(c.acceptance)} | ${fmtOpt(c.delta)} | ${fmt(c.rowsPerSample, 0)} |`;
};
