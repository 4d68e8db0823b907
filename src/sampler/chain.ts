// One chain's state and its two halves of a round: prepare rows before the batched call,
// then verify and commit after it. Both halves are synchronous: nothing here spans an await.
import type { Core } from "../core/instance.ts";
import type { SamplerOptions } from "./options.ts";
import type { Schedule } from "./scheduler/types.ts";
import { allocChainBuffers, row, type ChainBuffers } from "./buffers.ts";
import { newChainCounters, type ChainCounters, type StepCounters, type VerifyTotals } from "./stats.ts";
import { planNext, planRows, type Plan } from "./plan.ts";
import { Purpose, streamOf, type RngKey } from "./randomness.ts";
import { fillNormal } from "../core/random.ts";
import { affine2, copy } from "../core/vector.ts";
import { writeEps, writeMean, writeX0 } from "./means.ts";
import { draftWindow } from "./draft.ts";
import { verifyWindow } from "./verify.ts";
import { chooseWindow, newPositionAcceptance, type PositionAcceptance } from "./adaptive.ts";
import { rememberFrozen } from "./extrapolate.ts";

export interface Chain {
  /** Global chain index (the RNG's c3 word). */
  id: number;
  buf: ChainBuffers;
  /** Next step to take, 0..N; the chain is done at N. */
  k: number;
  frozenValid: boolean;
  frozenAtCurrent: boolean;
  /** Timesteps of the frozen value and of the one before it (-1: none yet). */
  frozenT: number;
  frozenBeforeT: number;
  plan: Plan | null;
  /** Acceptance by window position, for adaptive windows. */
  positions: PositionAcceptance;
  counters: ChainCounters;
}

/** Context shared by every chain of one request. */
export interface ChainContext {
  core: Core;
  opts: SamplerOptions;
  sched: Schedule;
  key: RngKey;
  dim: number;
  /** Per schedule step, summed over the request's chains (per-chain copies would cost chains x steps). */
  perStep: StepCounters[];
  totals: VerifyTotals;
  /** Keep buf.previewX0 up to date for round events. */
  preview: boolean;
}

/** Allocates a chain and draws x_N ~ N(0, I). */
export const newChain = (ctx: ChainContext, id: number): Chain => {
  const buf = allocChainBuffers(ctx.core, ctx.dim, ctx.opts.method === "sequential" ? 1 : ctx.opts.draft.window, ctx.preview);
  fillNormal(ctx.core, buf.x, streamOf(ctx.key, Purpose.init, 0, 0, id), 0, ctx.dim);
  return { id, buf, k: 0, frozenValid: false, frozenAtCurrent: false, frozenT: -1, frozenBeforeT: -1, plan: null, positions: newPositionAcceptance(buf.window), counters: newChainCounters() };
};

export const isDone = (ctx: ChainContext, chain: Chain): boolean => chain.k >= ctx.sched.steps.length;

/** Plans the chain's part of the next call, drafting a window if needed; returns its row count. */
export const prepare = (ctx: ChainContext, chain: Chain): number => {
  const { draft } = ctx.opts;
  const windowCap = draft.adaptive ? chooseWindow(chain.positions, draft.window) : draft.window;
  const plan = planNext(ctx.opts, { steps: ctx.sched.steps, k: chain.k, frozenValid: chain.frozenValid, frozenAtCurrent: chain.frozenAtCurrent, windowCap });
  chain.plan = plan;
  chain.counters.rounds++;
  if (plan.kind === "window") draftWindow(ctx, chain, plan.window);
  const rows = planRows(plan);
  chain.counters.rows += rows;
  return rows;
};

/** Copies the chain's row states and timesteps into the batch at `offset`. */
export const writeRows = (ctx: ChainContext, chain: Chain, x: Float32Array, timesteps: Int32Array, alphaBar: Float64Array, offset: number): void => {
  const { dim } = ctx;
  const put = (r: number, ptr: number, stepIndex: number) => {
    x.set(ctx.core.f32(ptr, dim), (offset + r) * dim);
    timesteps[offset + r] = ctx.sched.steps[stepIndex].t;
    alphaBar[offset + r] = ctx.sched.steps[stepIndex].alphaProdT;
  };
  const plan = chain.plan!;
  if (plan.kind !== "window") return put(0, chain.buf.x, chain.k);
  let r = 0;
  for (let p = plan.first; p < plan.window; p++) put(r++, row(chain.buf.ys, p, dim), chain.k + p);
  if (plan.bonus) put(r, row(chain.buf.ys, plan.window, dim), chain.k + plan.window);
};

/** Reads the chain's outputs from the batch and commits steps. */
export const commit = (ctx: ChainContext, chain: Chain, outputs: Float32Array, offset: number): void => {
  const { dim, core } = ctx;
  const plan = chain.plan!;
  const copyOut = (r: number, parent: number) => core.f32(row(chain.buf.out, parent, dim), dim).set(outputs.subarray((offset + r) * dim, (offset + r + 1) * dim));
  if (plan.kind === "window") {
    let r = 0;
    for (let p = plan.first; p < plan.window; p++) copyOut(r++, p);
    if (plan.bonus) copyOut(r, plan.window);
    const committed = verifyWindow(ctx, chain, plan.window, plan.bonus);
    chain.k += committed;
    chain.frozenAtCurrent = false;
    return;
  }
  copyOut(0, 0);
  setFrozen(ctx, chain, chain.buf.x, 0, chain.k);
  if (plan.kind === "start") {
    chain.frozenAtCurrent = true;
    return;
  }
  targetStep(ctx, chain, chain.buf.x, 0, chain.k, 0);
  chain.k += 1;
  chain.counters.committed += 1;
  chain.frozenAtCurrent = false;
};

/** Keeps the output at parent row p (state y, step k) as the Free Drafter's frozen eps or x0. */
export const setFrozen = (ctx: ChainContext, chain: Chain, y: number, p: number, k: number): void => {
  const { core, sched, dim } = ctx;
  const out = row(chain.buf.out, p, dim);
  const type = sched.predictionType;
  const step = sched.steps[k];
  rememberFrozen(ctx, chain);
  if (ctx.preview) writeX0(core, sched, chain.buf.previewX0, y, out, type, step, dim);
  chain.frozenT = step.t;
  if (ctx.opts.draft.freeze === "eps") writeEps(core, chain.buf.frozen, y, out, type, step, dim);
  else writeX0(core, sched, chain.buf.frozen, y, out, type, step, dim);
  chain.frozenValid = true;
};

/** x <- a draw of the target step k from state y with the output at parent row p (fresh noise, index `slot`). */
export const targetStep = (ctx: ChainContext, chain: Chain, y: number, p: number, k: number, slot: number): void => {
  const { core, sched, dim } = ctx;
  const b = chain.buf;
  const step = sched.steps[k];
  const mu = row(b.muT, b.window, dim);
  writeMean(core, sched, b, mu, y, row(b.out, p, dim), sched.predictionType, step);
  if (step.sigma === 0) return copy(core, b.x, mu, dim);
  fillNormal(core, b.zeta, streamOf(ctx.key, Purpose.step, slot, chain.counters.rounds, chain.id), 0, dim);
  affine2(core, b.x, 1, mu, step.sigma, b.zeta, dim);
};
