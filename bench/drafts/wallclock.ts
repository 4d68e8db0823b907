// Simulated wall-clock of the latency-aware window against fixed windows: a request of C samples costs
//   sum over its rounds of (rtt + c0 + c1 rows_in_round) + the sampler's CPU per row x rows,
// i.e. (rtt + c0) x request rounds + (c1 + cpu) x rows, read from the run's own counts (deterministic
// given the seed). The sampler's CPU is the Worker figure the auto window assumes (samplerRowMs).
// "auto measured" runs on a simulated clock that each call advances by the curve's time, so the
// online fit sees exactly the curve; its prior is the default (small-GPU) curve whatever the setting.
import type { Denoiser } from "../../src/denoisers/port.ts";
import { DEFAULT_LATENCY, samplerRowMs, type LatencyModel } from "../../src/sampler/latency.ts";
import { MAX_WINDOW, type DraftOptions, type Method } from "../../src/sampler/options.ts";
import { meanCI } from "../harness.ts";
import type { Sampler } from "../samplers/cells.ts";
import { runTarget, type DraftTarget } from "./targets.ts";

export interface Curve {
  id: string;
  latency: LatencyModel;
}

export interface Arm {
  label: string;
  method: Method;
  draft: Partial<DraftOptions>;
  /** Simulate the clock the measured fit reads. */
  measured?: boolean;
}

export interface WallCell {
  arm: string;
  /** Mean request wall-clock (ms) with its 95% half-width over requests. */
  wall: { mean: number; half: number };
  rounds: number;
  rows: number;
  /** Drafts verified per chain round (null for sequential). */
  meanWindow: number | null;
  /** Each request's rounds and total rows (to price the same runs under another curve). */
  perRequest: { rounds: number; rows: number }[];
}

/** Runs `requests` requests of `chains` samples each; simulated wall-clock per request under `curve`. */
export const wallClock = async (t: DraftTarget, s: Sampler, steps: number, chains: number, requests: number, arm: Arm, curve: LatencyModel): Promise<WallCell> => {
  const walls: number[] = [];
  const perRequest: { rounds: number; rows: number }[] = [];
  let rounds = 0, rows = 0, windows = 0, drafted = 0;
  const fixed = curve.rttMs + curve.c0Ms, perRow = curve.c1Ms + samplerRowMs(t.dim);
  for (let q = 0; q < requests; q++) {
    let now = 0;
    const wrap = arm.measured
      ? (d: Denoiser): Denoiser => ({ dim: d.dim, evaluate: async (batch, signal) => { await d.evaluate(batch, signal); now += fixed + curve.c1Ms * batch.rows; } })
      : undefined;
    const run = await runTarget(t, { sampler: s, steps, method: arm.method, draft: arm.draft, chains, seed: 4000 + q, firstChain: q * chains, wrap, hooks: arm.measured ? { clock: () => now } : {} });
    walls.push(fixed * run.stats.rounds + perRow * run.stats.target_rows);
    perRequest.push({ rounds: run.stats.rounds, rows: run.stats.target_rows });
    rounds += run.stats.rounds / requests;
    rows += run.stats.target_rows / requests / chains;
    const verified = run.stats.per_step.reduce((a, p) => a + p.verified, 0);
    const windowRounds = run.stats.chains.reduce((a, c) => a + c.rounds, 0);
    windows += windowRounds;
    drafted += verified;
  }
  return { arm: arm.label, wall: meanCI(walls), rounds, rows, meanWindow: arm.method === "sequential" ? null : drafted / Math.max(windows, 1), perRequest };
};

/** sequential, block at each fixed L (default draft otherwise), the reach-floor adaptive window (adaptive.ts), and block
 * with the auto window (fixed curve, measured). */
export const wallArms = (curve: LatencyModel, windows: number[]): Arm[] => [
  { label: "sequential", method: "sequential", draft: {} },
  ...windows.map((w): Arm => ({ label: `L=${w}`, method: "block", draft: { window: w } })),
  { label: "adaptive L<=16", method: "block", draft: { window: 16, adaptive: true } },
  { label: "auto", method: "block", draft: { window: MAX_WINDOW, auto: { latency: curve, measured: false } } },
  { label: "auto measured", method: "block", draft: { window: MAX_WINDOW, auto: { latency: DEFAULT_LATENCY, measured: true } }, measured: true },
];
