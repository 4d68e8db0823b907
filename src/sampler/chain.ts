// One chain through a round: prepare its rows before the batched call, take each output as it arrives,
// commit after its last row. Everything here is synchronous: nothing spans an await.
import type { Ptr } from "../core/instance.ts";
import type { ScheduleStep } from "./scheduler/types.ts";
import type { ChainState, SamplerContext } from "./state.ts";
import { allocChainRows, row, type ChainShape } from "./buffers.ts";
import { newChainCounters } from "./stats.ts";
import { planNext, planRows, type Plan } from "./plan.ts";
import { Purpose, streamOf } from "./randomness.ts";
import { fillNormal, fillUniform } from "../core/random.ts";
import { copy, scale } from "../core/vector.ts";
import { draftWindow, type DraftInput } from "./draft.ts";
import { freezeOutput, targetStep, type AnchorTarget } from "./target.ts";
import { neededParent, newProgress, observeParent, type WindowInput } from "./verify-step.ts";
import { commitWindow, type WindowAfter } from "./verify-window.ts";
import { recordWindow, stepsSeen } from "./record.ts";
import { chooseWindow, newPositionAcceptance, observeWindow } from "./adaptive.ts";
import { newPositionRates, observeRates } from "./latency.ts";
import { autoWindow } from "./auto-window.ts";
import { newAnchorScalars, pairTerms } from "./anchor.ts";

/** Allocates a chain and draws x_N ~ N(0, I). */
export const newChain = (ctx: SamplerContext, shape: ChainShape, id: number): ChainState => {
  const rows = allocChainRows(ctx.core, shape);
  fillNormal(ctx.core, rows.x, streamOf(ctx.key, Purpose.init, 0, 0, id), 0, ctx.dim);
  if (ctx.sched.initNoiseSigma !== 1) scale(ctx.core, rows.x, ctx.sched.initNoiseSigma, rows.x, ctx.dim);
  return { id, rows, round: 0, k: 0, frozenValid: false, frozenAtCurrent: false, plan: null, progress: null, positions: ctx.opts.draft.auto ? newPositionRates(shape.window) : newPositionAcceptance(Math.max(shape.window, 1)), anchor: newAnchorScalars(), counters: newChainCounters() };
};

export const isDone = (ctx: SamplerContext, chain: ChainState): boolean => chain.k >= ctx.sched.steps.length;

const draftOf = (chain: ChainState): DraftInput =>
  ({ chain: chain.id, round: chain.round, k: chain.k, x: chain.rows.x, frozen: chain.rows.frozen, ys: chain.rows.ys, anchor: chain.anchor });

const windowOf = (chain: ChainState, plan: Extract<Plan, { kind: "window" }>): WindowInput =>
  ({ draft: draftOf(chain), window: plan.window, bonus: plan.bonus, stats: chain.rows.stats, uniforms: chain.rows.uniforms, blockInfo: chain.rows.blockInfo });

const previewOf = (ctx: SamplerContext, chain: ChainState): Ptr | null => (ctx.preview ? chain.rows.previewX0 : null);

const anchorTarget = (ctx: SamplerContext, chain: ChainState): AnchorTarget =>
  ({ frozen: chain.rows.frozen, anchor: chain.anchor, preview: previewOf(ctx, chain) });

/** Plans the chain's part of the next call (drafting a window if needed) and starts its round; returns its row count. */
export const prepare = (ctx: SamplerContext, chain: ChainState): number => {
  const { draft } = ctx.opts;
  const windowCap = draft.auto ? autoWindow(ctx, chain) : draft.adaptive ? chooseWindow(chain.positions, draft.window) : draft.window;
  // An auto window of 0: a plain target step is cheaper than any draft now.
  const plan: Plan = windowCap === 0 ? { kind: "step" } : planNext(ctx.opts, { steps: ctx.sched.steps, k: chain.k, frozenValid: chain.frozenValid, frozenAtCurrent: chain.frozenAtCurrent, windowCap });
  chain.plan = plan;
  chain.round++;
  chain.counters.rounds++;
  const rows = planRows(plan);
  chain.counters.rows += rows;
  if (plan.kind !== "window") return rows;
  const w = windowOf(chain, plan);
  draftWindow(ctx, w.draft, plan.window);
  fillUniform(ctx.core, w.uniforms, streamOf(ctx.key, Purpose.accept, 0, chain.round, chain.id), 0, plan.window);
  chain.progress = newProgress();
  // Frozen-target draft: the output at y~_0 came in the round before; its step is verified now.
  if (plan.first === 1) observeParent(ctx, w, chain.progress, 0, chain.rows.startOut);
  if (rows === 0) throw new Error("sampler: a window round with no rows");
  return rows;
};

/** Parent index (in the window, or 0 for x) of the chain's r-th row this round. */
const parentOf = (plan: Plan, r: number): number => (plan.kind === "window" ? plan.first + r : 0);

/** The state and schedule step of the chain's r-th row this round. */
export const rowInput = (ctx: SamplerContext, chain: ChainState, r: number): { state: Ptr; step: ScheduleStep } => {
  const plan = chain.plan!;
  const p = parentOf(plan, r);
  if (plan.kind !== "window") return { state: chain.rows.x, step: ctx.sched.steps[chain.k] };
  return { state: row(chain.rows.ys, p, ctx.dim), step: ctx.sched.steps[chain.k + p] };
};

/** Takes the model output of the chain's r-th row; `last` marks its last row this round, after which it commits. */
export const consume = (ctx: SamplerContext, chain: ChainState, r: number, output: Ptr, last: boolean): void => {
  const plan = chain.plan!;
  if (plan.kind === "window") return consumeWindowRow(ctx, chain, plan, parentOf(plan, r), output, last);
  const { rows } = chain;
  freezeOutput(ctx, anchorTarget(ctx, chain), { y: rows.x, k: chain.k, output });
  chain.frozenValid = true;
  if (plan.kind === "start") {
    copy(ctx.core, rows.startOut, output, ctx.dim);
    chain.frozenAtCurrent = true;
    return;
  }
  targetStep(ctx, rows.x, rows.x, output, chain.k, { chain: chain.id, round: chain.round, slot: 0 });
  chain.k += 1;
  chain.counters.committed += 1;
  chain.frozenAtCurrent = false;
};

const consumeWindowRow = (ctx: SamplerContext, chain: ChainState, plan: Extract<Plan, { kind: "window" }>, p: number, output: Ptr, last: boolean): void => {
  const w = windowOf(chain, plan);
  const progress = chain.progress!;
  // The row after the current stopping candidate: kept as the nearest evaluation and the gaussian fit's pair.
  const candidate = ctx.opts.method === "token" ? (progress.stopped ? progress.tau : -1) : progress.tau;
  if (candidate === p - 1 && !last) {
    copy(ctx.core, chain.rows.next, output, ctx.dim);
    progress.nextParent = p;
  }
  const keep = observeParent(ctx, w, progress, p, output);
  if (keep && !last) {
    copy(ctx.core, chain.rows.kept, output, ctx.dim);
    progress.keptParent = p;
  }
  if (!last) return;
  const tau = progress.tau;
  const outAt = (q: number): Ptr | null => {
    if (q === p) return output;
    if (q === progress.keptParent) return chain.rows.kept;
    if (q === 0 && plan.first === 1) return chain.rows.startOut;
    if (q === progress.nextParent) return chain.rows.next;
    return null;
  };
  const needed = neededParent(tau, plan.window, plan.bonus);
  const out = outAt(needed);
  if (out === null) throw new Error(`sampler: window stopped at ${tau} but the output kept is row ${progress.keptParent}`);
  const seen = stepsSeen(ctx.opts.method, plan.window, tau);
  recordWindow(ctx.core, chain.rows.stats, chain.k, seen, tau, ctx.perStep, ctx.totals, chain.counters);
  if (ctx.opts.draft.auto) observeRates(chain.positions, plan.window, tau);
  else observeWindow(chain.positions, seen, tau);
  const committed = commitWindow(ctx, w, tau, out, { ...anchorTarget(ctx, chain), x: chain.rows.x }, windowAfter(ctx, chain, plan, tau, outAt));
  chain.k += committed;
  chain.counters.committed += committed;
  chain.frozenValid = true;
  chain.frozenAtCurrent = false;
  chain.progress = null;
};

/** The evaluation after the stopping parent, and the gaussian fit's pair terms, from the outputs still held. */
const windowAfter = (ctx: SamplerContext, chain: ChainState, plan: Extract<Plan, { kind: "window" }>, tau: number, outAt: (q: number) => Ptr | null): WindowAfter => {
  const L = plan.window;
  const next = tau < L ? outAt(tau + 1) : null;
  const b = tau < L ? tau : plan.bonus ? L - 1 : -1;
  if (ctx.opts.draft.freeze !== "gaussian" || b < 0) return { next, pair: null };
  const o1 = outAt(b), o2 = outAt(b + 1);
  if (o1 === null || o2 === null) return { next, pair: null };
  const { ys } = chain.rows, k = chain.k, dim = ctx.dim;
  return { next, pair: pairTerms(ctx, { y: row(ys, b, dim), k: k + b, output: o1 }, { y: row(ys, b + 1, dim), k: k + b + 1, output: o2 }) };
};
