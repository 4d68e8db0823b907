// The sampler's state in one place: what a request shares between its chains, and each chain's own
// explicit state. Step functions (draft.ts, target.ts, verify-step.ts, verify-window.ts) take these
// and say in their signatures what they read and return; chain.ts applies their results.
import type { Core, Ptr } from "../core/instance.ts";
import type { SamplerOptions } from "./options.ts";
import type { Schedule } from "./scheduler/types.ts";
import type { RngKey } from "./randomness.ts";
import type { ChainCounters, StepCounters, VerifyTotals } from "./stats.ts";
import type { Plan } from "./plan.ts";
import type { PositionAcceptance } from "./adaptive.ts";
import type { LatencyFit } from "./latency.ts";

/** One-row f32 scratch shared by a request's chains: every use is synchronous, never across an await. */
export interface Scratch {
  dim: number;
  /** Means of the step being verified or taken: target, draft. */
  muT: Ptr;
  muD: Ptr;
  /** Draft noise regenerated from its counters, or a fresh Gaussian (residual, target step). */
  noise: Ptr;
  /** x0_hat and eps_hat while a mean is formed. */
  x0: Ptr;
  eps: Ptr;
  /** A model output that arrived outside core memory, copied in. */
  output: Ptr;
}

/** A chain's resident rows (dim f32 each) and O(L) scalars; see chainRows() for the count. */
export interface ChainRows {
  /** Committed state. */
  x: Ptr;
  /** The Free Drafter's frozen eps or x0, or the gaussian anchor's m. */
  frozen: Ptr;
  /** Drafted states y~_0..y~_L (L + 1 rows; 0 for the sequential sampler). */
  ys: Ptr;
  /** The model output a window may stop at, kept until the window's last row has arrived. */
  kept: Ptr;
  /** The output at the row after that stopping candidate (the nearest evaluation, the gaussian fit's pair). */
  next: Ptr;
  /** Frozen-target draft: the output at the window start, evaluated the round before (0 otherwise). */
  startOut: Ptr;
  /** x0_hat of the latest target evaluation, for previews (0 when not kept). */
  previewX0: Ptr;
  /** f64 records: (delta, s, log r) per step; uniforms of the accept tests; block info (ln w, M, h). */
  stats: Ptr;
  uniforms: Ptr;
  blockInfo: Ptr;
}

/** What the rows of a window established so far, as they stream in (verify-step.ts). */
export interface WindowProgress {
  /** ln w after the known steps (block verification's running weight). */
  logW: number;
  /** Where the window may stop given the known steps: the accepted prefix length tau. */
  tau: number;
  /** Parent row whose output `kept` holds (-1: none yet). */
  keptParent: number;
  /** Parent row whose output `next` holds (-1: none yet). */
  nextParent: number;
  /** Token-wise verification stopped at a rejection: later rows are not needed. */
  stopped: boolean;
}

export interface ChainState {
  /** Global chain index (the RNG's c3 word). */
  readonly id: number;
  readonly rows: ChainRows;
  /** Rounds this chain has taken part in; the current round's random streams use this value (c2). */
  round: number;
  /** Next step to take, 0..N; the chain is done at N. */
  k: number;
  /** The draft's anchor scalars (anchor.ts); its vector is rows.frozen. */
  anchor: AnchorScalars;
  /** The frozen value is set, and it was evaluated at the current committed state (frozen-target draft). */
  frozenValid: boolean;
  frozenAtCurrent: boolean;
  plan: Plan | null;
  progress: WindowProgress | null;
  /** Acceptance by window position, for adaptive windows (adaptive.ts) and auto windows (latency.ts). */
  positions: PositionAcceptance;
  counters: ChainCounters;
}

/** Context shared by every chain of one request. */
export interface SamplerContext {
  core: Core;
  opts: SamplerOptions;
  sched: Schedule;
  key: RngKey;
  dim: number;
  scratch: Scratch;
  /** Per schedule step, summed over the request's chains (per-chain copies would cost chains x steps). */
  perStep: StepCounters[];
  totals: VerifyTotals;
  /** Keep rows.previewX0 up to date for round events. */
  preview: boolean;
  /** Steps committed by each chain in the current round's call, ascending (an auto window's share of the call's fixed cost). */
  activeSteps: Int32Array;
  /** draft.auto with measured latency: the fit of t(rows) from the calls so far; null otherwise. */
  latencyFit: LatencyFit | null;
}

/** The gaussian draft's scalars (anchor.ts); its vector is rows.frozen. Here, with the state it belongs to. */
export interface AnchorScalars {
  /** gaussian: fitted variance r (0 until a pair has been seen: x0 freeze). */
  r: number;
  /** gaussian: decayed sums of the pair terms. */
  num: number;
  den: number;
}
