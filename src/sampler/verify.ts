// Verifying a drafted window and committing (ALGORITHMS.md sections 3 and 4). Returns steps committed.
import type { Chain, ChainContext } from "./chain.ts";
import { setFrozen, targetStep } from "./chain.ts";
import { row } from "./buffers.ts";
import { Purpose, streamOf } from "./randomness.ts";
import { fillNormal, fillUniform } from "../core/random.ts";
import { copy } from "../core/vector.ts";
import { blockTau, reflect, STAT_STRIDE, stepStats, tokenAccepts } from "../core/verify.ts";
import { residualDraw } from "../core/residual.ts";
import { couplingAcceptance } from "../core/special.ts";
import { writeMean } from "./means.ts";
import { observeWindow } from "./adaptive.ts";

export const verifyWindow = (ctx: ChainContext, chain: Chain, window: number, bonus: boolean): number => {
  const { core, sched, dim } = ctx;
  const b = chain.buf;
  const round = chain.counters.rounds;
  for (let i = 1; i <= window; i++) {
    const step = sched.steps[chain.k + i - 1];
    const muT = row(b.muT, i - 1, dim);
    writeMean(core, sched, b, muT, row(b.ys, i - 1, dim), row(b.out, i - 1, dim), sched.predictionType, step);
    stepStats(core, b.stats, i - 1, muT, row(b.muD, i - 1, dim), row(b.xi, i - 1, dim), step.sigma, dim);
  }
  fillUniform(core, b.uniforms, streamOf(ctx.key, Purpose.accept, 0, round, chain.id), 0, window);
  const tau = ctx.opts.method === "token" ? tokenTau(ctx, chain, window) : blockTau(core, b.stats, b.uniforms, b.blockInfo, window);
  record(ctx, chain, window, tau);
  if (tau < window) {
    const i = tau + 1;
    const step = sched.steps[chain.k + tau];
    const muT = row(b.muT, tau, dim);
    const muD = row(b.muD, tau, dim);
    if (ctx.opts.method === "token") reflect(core, b.x, muT, muD, row(b.xi, tau, dim), step.sigma, b.stats, tau, dim);
    else {
      fillUniform(core, b.uniforms, streamOf(ctx.key, Purpose.residualU, i, round, chain.id), 0, 1);
      fillNormal(core, b.zeta, streamOf(ctx.key, Purpose.residualZeta, i, round, chain.id), 0, dim);
      residualDraw(core, b.x, muD, muT, b.zeta, step.sigma, b.stats, tau, b.blockInfo, core.f64(b.uniforms, 1)[0], dim);
    }
    setFrozen(ctx, chain, row(b.ys, tau, dim), tau, chain.k + tau);
    chain.counters.committed += i;
    return i;
  }
  copy(core, b.x, row(b.ys, window, dim), dim);
  if (!bonus) {
    setFrozen(ctx, chain, row(b.ys, window - 1, dim), window - 1, chain.k + window - 1);
    chain.counters.committed += window;
    return window;
  }
  // All drafts passed and the target was evaluated at y~_L: one more exact target step from it.
  setFrozen(ctx, chain, row(b.ys, window, dim), window, chain.k + window);
  targetStep(ctx, chain, row(b.ys, window, dim), window, chain.k + window, window + 1);
  chain.counters.committed += window + 1;
  return window + 1;
};

// Token-wise: accept step by step while log u_i <= min(0, log r_i); tau = accepted prefix length.
const tokenTau = (ctx: ChainContext, chain: Chain, window: number): number => {
  for (let i = 0; i < window; i++) if (!tokenAccepts(ctx.core, chain.buf.stats, i, chain.buf.uniforms)) return i;
  return window;
};

// Token-wise verification sees steps up to the first rejection; block verification sees the whole window.
const record = (ctx: ChainContext, chain: Chain, window: number, tau: number): void => {
  const seen = ctx.opts.method === "token" ? Math.min(tau + 1, window) : window;
  const stats = ctx.core.f64(chain.buf.stats, STAT_STRIDE * window);
  for (let i = 0; i < seen; i++) {
    const c = ctx.perStep[chain.k + i];
    const delta = stats[STAT_STRIDE * i];
    c.verified++;
    c.deltaSum += delta;
    c.couplingSum += couplingAcceptance(ctx.core, delta);
    if (i < tau) c.accepted++;
  }
  ctx.totals.verified += seen;
  ctx.totals.accepted += Math.min(tau, seen);
  chain.counters.accepted += tau;
  chain.counters.speculativeRounds++;
  observeWindow(chain.positions, seen, tau);
};
