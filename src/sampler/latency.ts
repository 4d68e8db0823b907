// Latency-aware window (draft.window "auto"): before drafting, each chain picks L in 0..cap (0: a plain
// target step) minimising the expected wall-clock per committed step,
//     cost(L) = (F / C + (c1 + cpu) rows(L)) / E[steps(L)],
// where a call costs F + c1 rows (F = rtt + c0; C: the round's chains at or behind this one's step), cpu is the sampler's
// own time per row, rows(L) = L (+ 1 bonus row) and E[steps(L)] = 1 + sum_{j <= L} S_j (the last term only
// with the bonus row), S_j = a_1 ... a_j the chance the first j drafts all pass, from the chain's acceptance
// by window position seen so far (a_i: accepted given reached). The choice uses only past rounds, so
// samples stay exact; it is deterministic given the latency model, which is either fixed (replays are
// bit-identical) or fitted online from the calls' own timings (then samples depend on those timings). Since C
// counts the request's other chains, a chain's samples also depend on the request's chains (unlike a fixed L).

/** A provider's call cost: t(rows) = rtt + c0 + c1 rows, in milliseconds. */
export interface LatencyModel {
  rttMs: number;
  c0Ms: number;
  c1Ms: number;
}

/** draft.window "auto": the cost model, and whether to refit it from measured call times. */
export interface AutoWindow {
  latency: LatencyModel;
  measured: boolean;
}

// Published-figures curve for a ~1M-parameter UNet on 32x32 inputs behind an OIP provider (an assumption until
// measured curves replace it; bench/results/drafts.md states the derivation):
// DDIM (Song et al. 2021, sec. 1): ~20 h for 50k 32x32 samples x 1000 steps with a 35.7M-parameter DDPM UNet on a
// 2080 Ti, i.e. ~1.4 ms per row at large batch; a ~1M-parameter UNet needs ~30x fewer FLOPs, and an A100 is ~3x a
// 2080 Ti: c1 ~ 0.02 ms/row. c0: a small UNet is ~150 kernel launches (~10 us each) plus the server's per-request
// work: ~2 ms. rtt: 25 ms, an edge-to-GPU-region round trip.
export const DEFAULT_LATENCY: LatencyModel = { rttMs: 25, c0Ms: 2, c1Ms: 0.02 };

/** The sampler's CPU per row in a Worker (draft, verify, wire): 1.5 us + 19 ns per value, as measured under workerd (README limits). */
export const samplerRowMs = (dim: number): number => (1.5 + 0.019 * dim) / 1000;

// Weight of the newest window in a position's running acceptance; the rate assumed where nothing was seen
// yet (a position never reached inherits the rate of the one before it: acceptance falls along a window);
// how fast estimates below it drift back up while a chain takes plain steps, so it tries drafting again.
// Smoothing 0.2 and prior 0.9 did best of {0.1, 0.2, 0.3} x {0.8, 0.9} on four of bench:drafts' settings.
const SMOOTHING = 0.2;
const PRIOR_RATE = 0.9;
const RELAX = 0.1;

/** Conditional acceptance by window position (index i: draft i + 1 accepted given drafts 1..i were); NaN: never reached. */
export type PositionRates = Float64Array;

export const newPositionRates = (cap: number): PositionRates => new Float64Array(Math.max(cap, 1)).fill(NaN);

/** A window of L drafts stopped after tau accepted: positions 0..min(tau, L - 1) were reached. */
export const observeRates = (acc: PositionRates, window: number, tau: number): void => {
  const seen = Math.min(tau + 1, window);
  for (let i = 0; i < seen; i++) acc[i] = (1 - SMOOTHING) * (Number.isNaN(acc[i]) ? PRIOR_RATE : acc[i]) + SMOOTHING * (i < tau ? 1 : 0);
};

/** A round without drafts: estimates below the prior drift back toward it. */
export const relaxRates = (acc: PositionRates): void => {
  for (let i = 0; i < acc.length; i++) if (acc[i] < PRIOR_RATE) acc[i] += RELAX * (PRIOR_RATE - acc[i]);
};

/** What one round of a chain costs: the fixed part its share of the call, and each row. */
export interface RoundCost {
  fixedMs: number;
  rowMs: number;
}

/** L in 0..maxWindow minimising cost per expected committed step; `bonusAt(L)`: a bonus row follows an L-step window. */
export const chooseAutoWindow = (acc: PositionRates, maxWindow: number, bonusAt: (L: number) => boolean, cost: RoundCost): number => {
  let best = 0;
  let bestCost = cost.fixedMs + cost.rowMs; // a plain step: one row, one step
  let reach = 1; // S_{L-1}
  let sum = 0; // sum_{j < L} S_j
  let rate = PRIOR_RATE;
  for (let L = 1; L <= maxWindow; L++) {
    const seen = acc[Math.min(L - 1, acc.length - 1)];
    if (!Number.isNaN(seen)) rate = seen;
    const reachL = reach * rate;
    const bonus = bonusAt(L);
    const steps = 1 + sum + (bonus ? reachL : 0);
    const c = (cost.fixedMs + cost.rowMs * (L + (bonus ? 1 : 0))) / steps;
    if (c < bestCost) {
      best = L;
      bestCost = c;
    }
    sum += reachL;
    reach = reachL;
  }
  return best;
};

// Older calls count this much less per new call, so a provider whose speed changes is followed.
const FORGET = 0.9;

/** Weighted least-squares sums of (rows, ms) over the calls so far, for t = alpha + beta rows (the configured
 * model anchors the fit until calls of two different row counts have been timed). */
export interface LatencyFit {
  prior: LatencyModel;
  n: number;
  r: number;
  t: number;
  rr: number;
  rt: number;
}

export const newLatencyFit = (prior: LatencyModel): LatencyFit => ({ prior, n: 0, r: 0, t: 0, rr: 0, rt: 0 });

/** Adds one call's timing (non-finite or negative timings are ignored). */
export const observeCall = (f: LatencyFit, rows: number, ms: number): void => {
  if (!(Number.isFinite(ms) && ms >= 0 && rows > 0)) return;
  f.n = FORGET * f.n + 1;
  f.r = FORGET * f.r + rows;
  f.t = FORGET * f.t + ms;
  f.rr = FORGET * f.rr + rows * rows;
  f.rt = FORGET * f.rt + rows * ms;
};

/** Whether calls of different row counts have been timed (before that, the configured model answers). */
export const fitReady = (f: LatencyFit): boolean => f.n * f.rr - f.r * f.r > 1e-9 * f.n * f.rr;


/** The fitted (fixed, per-row) cost of a call, both clamped at 0. Before calls of two sizes, the configured model
 * with its per-row cost (or, when the calls are faster than its fixed part, both parts) rescaled to the timings. */
export const fittedCost = (f: LatencyFit): { fixedMs: number; rowMs: number } => {
  const fixed = f.prior.rttMs + f.prior.c0Ms, perRow = f.prior.c1Ms;
  if (f.n === 0) return { fixedMs: fixed, rowMs: perRow };
  if (!fitReady(f)) {
    const rows = f.r / f.n, ms = f.t / f.n;
    if (ms >= fixed) return { fixedMs: fixed, rowMs: (ms - fixed) / rows };
    const scale = ms / (fixed + perRow * rows);
    return { fixedMs: fixed * scale, rowMs: perRow * scale };
  }
  const varR = f.n * f.rr - f.r * f.r;
  const beta = Math.max(0, (f.n * f.rt - f.r * f.t) / varR);
  const alpha = Math.max(0, (f.t - beta * f.r) / f.n);
  return { fixedMs: alpha, rowMs: beta };
};
