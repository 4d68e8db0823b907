// What the Free Drafter holds fixed across a window (ALGORITHMS.md section 5), set from a target evaluation
// at each commit, and the draft's stand-in model output at a drafted state.
//
// freeze "gaussian" (the default): the draft treats the data as locally Gaussian, x0 ~ N(m, r I), whose
// posterior mean through y = a x0 + s noise is
//     x0_D(y) = m + B (y - a m),   B = a r / (a^2 r + s^2)
// (r = 0 is x0 freeze; r -> infinity tends to eps freeze). From one evaluation, m = x0_hat - r (a / s) eps_hat;
// r is the least-squares fit of m_1 = m_2 over pairs of evaluations at consecutive steps,
//     r = sum <x0_1 - x0_2, v_1 - v_2> / sum |v_1 - v_2|^2,   v = (a / s) eps_hat,
// with sums decayed by FIT_DECAY per pair, clipped to [0, R_MAX]. Exact drafts for Gaussian data; on
// mixtures and learned models it moves the frozen x0 with the drafted state as much as the last evaluations
// say x0_hat moves with y (bench/drafts.ts measures it against x0 and eps freeze).
import type { Ptr } from "../core/instance.ts";
import type { AnchorScalars, SamplerContext } from "./state.ts";
import type { ScheduleStep } from "./scheduler/types.ts";
import type { Freeze } from "./options.ts";
import { affine2, axpy, clamp, dot, sqnorm } from "../core/vector.ts";
import { writeEps, writeX0 } from "./means.ts";

export type { AnchorScalars } from "./state.ts";

/** A target evaluation: the state, its schedule index, the model output there. */
export interface Evaluation {
  y: Ptr;
  k: number;
  output: Ptr;
}

/** One pair's least-squares terms of the gaussian fit: <x0_1 - x0_2, v_1 - v_2> and |v_1 - v_2|^2. */
export interface PairTerms {
  num: number;
  den: number;
}

/** A chain's anchor scalars (its vector is rows.frozen: eps, x0 or the gaussian's m). */
export const newAnchorScalars = (): AnchorScalars => ({ r: 0, num: 0, den: 0 });

// Weight of the previous pairs in the fit, per new pair: measured on digits (bench/drafts.ts), 0.8 edged out
// 0 and 0.5 (within noise); it keeps r from jumping with one noisy pair.
const FIT_DECAY = 0.8;
const R_MAX = 1e6;

/** sqrt SNR a / s of a step (0 at a = 0, flow matching's sigma = 1). */
const kappa = (st: ScheduleStep): number => st.a / st.s;

/** The pair terms of evaluations e1, e2 of the same chain path (consecutive steps). Uses every scratch row but `output`. */
export const pairTerms = (ctx: SamplerContext, e1: Evaluation, e2: Evaluation): PairTerms => {
  const { core, sched, dim, scratch } = ctx;
  const type = sched.predictionType;
  const s1 = sched.steps[e1.k], s2 = sched.steps[e2.k];
  writeX0(core, sched, scratch.muT, e1.y, e1.output, type, s1, dim);
  writeEps(core, scratch.muD, e1.y, e1.output, type, s1, dim);
  writeX0(core, sched, scratch.x0, e2.y, e2.output, type, s2, dim);
  writeEps(core, scratch.eps, e2.y, e2.output, type, s2, dim);
  affine2(core, scratch.noise, 1, scratch.muT, -1, scratch.x0, dim);
  affine2(core, scratch.muT, kappa(s1), scratch.muD, -kappa(s2), scratch.eps, dim);
  return { num: dot(core, scratch.noise, scratch.muT, dim), den: sqnorm(core, scratch.muT, dim) };
};

/** Sets the anchor (frozen row and scalars) from evaluation e, after adding a pair's terms to the fit. Uses scratch.eps. */
export const setAnchor = (ctx: SamplerContext, frozen: Ptr, a: AnchorScalars, e: Evaluation, pair: PairTerms | null): void => {
  const { core, sched, dim, scratch } = ctx;
  const type = sched.predictionType;
  const st = sched.steps[e.k];
  const freeze = ctx.opts.draft.freeze;
  if (freeze === "eps") return writeEps(core, frozen, e.y, e.output, type, st, dim);
  writeX0(core, sched, frozen, e.y, e.output, type, st, dim);
  if (freeze === "x0") return;
  if (pair !== null && Number.isFinite(pair.num) && Number.isFinite(pair.den)) {
    a.num = FIT_DECAY * a.num + pair.num;
    a.den = FIT_DECAY * a.den + pair.den;
    if (a.den > 0) a.r = Math.min(R_MAX, Math.max(0, a.num / a.den));
  }
  if (a.r > 0) {
    writeEps(core, scratch.eps, e.y, e.output, type, st, dim);
    axpy(core, frozen, -a.r * kappa(st), scratch.eps, dim); // m = x0_hat - r (a / s) eps_hat
  }
};

/** The draft's stand-in output at parent y and step st: the frozen row itself (eps or x0), or x0_D(y) in `dst`. */
export const draftOutputAt = (ctx: SamplerContext, dst: Ptr, frozen: Ptr, a: AnchorScalars, y: Ptr, st: ScheduleStep): { ptr: Ptr; as: Exclude<Freeze, "gaussian"> } => {
  const freeze = ctx.opts.draft.freeze;
  if (freeze !== "gaussian") return { ptr: frozen, as: freeze };
  if (a.r === 0) return { ptr: frozen, as: "x0" };
  const { core, sched, dim } = ctx;
  const v = st.a * st.a * a.r + st.s * st.s;
  // x0_D = (s^2 / v) m + (a r / v) y
  affine2(core, dst, (st.s * st.s) / v, frozen, (st.a * a.r) / v, y, dim);
  if (sched.clipRange !== null) clamp(core, dst, dst, -sched.clipRange, sched.clipRange, dim);
  return { ptr: dst, as: "x0" };
};
