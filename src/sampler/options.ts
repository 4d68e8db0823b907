// What one sampling request asks of the sampler, with the defaults the API documents.
import type { Schedule } from "./scheduler/types.ts";
import { InvalidRequestError } from "../errors.ts";
import type { AutoWindow } from "./latency.ts";

export const METHODS = ["sequential", "token", "block"] as const;
export type Method = (typeof METHODS)[number];
export const DRAFT_TYPES = ["free", "frozen-target"] as const;
export type DraftType = (typeof DRAFT_TYPES)[number];
/** What the Free Drafter holds fixed across the window (ALGORITHMS.md section 5; gaussian: anchor.ts). */
export const FREEZES = ["eps", "x0", "gaussian"] as const;
export type Freeze = (typeof FREEZES)[number];

export interface DraftOptions {
  type: DraftType;
  /** Window L: drafted steps per round, 1..MAX_WINDOW (with `auto`, the largest L a round may choose). */
  window: number;
  freeze: Freeze;
  /** Also evaluate the target at the last drafted state and take one more step from it when all drafts pass. */
  bonus: boolean;
  /** Choose each round's L (up to `window`) from the chain's past acceptance by position. */
  adaptive: boolean;
  /** Choose each round's L in 0..window to minimise expected wall-clock per step (latency.ts); null: fixed L. */
  auto: AutoWindow | null;
}

export interface SamplerOptions {
  method: Method;
  draft: DraftOptions;
  schedule: Schedule;
  numChains: number;
  /** Integer seed in [0, 2^53). */
  seed: number;
  /** Index of the first chain: chain c of a request is chain (firstChain + c) of the seed's stream. */
  firstChain?: number;
}

export const MAX_WINDOW = 32;

/** Refuses options the sampler cannot honour, naming the request field (the API validates first too). */
export const checkSamplerOptions = (o: SamplerOptions): void => {
  const w = o.draft.window;
  if (!(Number.isInteger(w) && w >= 1 && w <= MAX_WINDOW)) throw new InvalidRequestError("draft.window", `window must be an integer in 1..${MAX_WINDOW}, got ${w}`);
  const lat = o.draft.auto?.latency;
  if (lat && ![lat.rttMs, lat.c0Ms, lat.c1Ms].every((v) => Number.isFinite(v) && v >= 0)) throw new InvalidRequestError("draft.latency", "latency figures must be finite and >= 0");
  if (!(Number.isInteger(o.numChains) && o.numChains >= 1)) throw new InvalidRequestError("num_samples", `num_samples must be a positive integer, got ${o.numChains}`);
  if (!(Number.isInteger(o.seed) && o.seed >= 0 && o.seed < 2 ** 53)) throw new InvalidRequestError("seed", `seed must be an integer in [0, 2^53), got ${o.seed}`);
};

// Measured by bench/rounds.ts: x0 freeze beats eps far in high dimension; L = 16 beats 8 on every built-in.
// bench/drafts.ts: the gaussian draft beats x0 freeze on learned digits (2-10% fewer rounds) and the analytic mixtures
// (14-83%), and ties with it on the learned patches-32 (within noise): bench/results/drafts.md.
export const DEFAULT_DRAFT: DraftOptions = { type: "free", window: 16, freeze: "gaussian", bonus: true, adaptive: false, auto: null };
