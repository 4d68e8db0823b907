// The round loop: every active chain prepares its rows, ONE batched denoiser call evaluates them
// all, every chain verifies and commits. Finished chains drop out of the batch.
import type { Core } from "../core/instance.ts";
import type { Denoiser } from "../denoisers/port.ts";
import { DenoiserBadResponseError } from "../errors.ts";
import { checkSamplerOptions, type SamplerOptions } from "./options.ts";
import { seedKey } from "./randomness.ts";
import { commit, isDone, newChain, prepare, writeRows, type Chain, type ChainContext } from "./chain.ts";
import { summarise, type SampleStats } from "./summary.ts";
import { newStepCounters, type VerifyTotals } from "./stats.ts";

export interface RoundEvent {
  round: number;
  /** Steps committed so far, per chain. */
  committed: number[];
  /** Drafts accepted over drafts verified so far, all chains. */
  acceptance: number;
  /** With hooks.preview: per chain, x0_hat from its latest target evaluation (row-major, chains x dim). */
  x0?: number[][];
}

export interface RunHooks {
  signal?: AbortSignal;
  /** Called after each round; a returned promise is awaited before the next round (stream backpressure). */
  onRound?: (event: RoundEvent) => void | Promise<void>;
  /** Keep an x0 preview per chain and put it in each round event (costs one more buffer per chain). */
  preview?: boolean;
}

export interface SampleRun {
  /** Final states, numChains * dim, row-major. */
  samples: Float32Array;
  stats: SampleStats;
  timing: { totalMs: number; denoiserMs: number; coreMs: number };
}

export const runSampler = async (core: Core, denoiser: Denoiser, opts: SamplerOptions, hooks: RunHooks = {}): Promise<SampleRun> => {
  checkSamplerOptions(opts);
  const started = performance.now();
  const dim = denoiser.dim;
  const ctx: ChainContext = { core, opts, sched: opts.schedule, key: seedKey(opts.seed), dim, perStep: newStepCounters(opts.schedule.steps.length), totals: { verified: 0, accepted: 0 }, preview: hooks.preview === true };
  const first = opts.firstChain ?? 0;
  const chains: Chain[] = Array.from({ length: opts.numChains }, (_, c) => newChain(ctx, first + c));
  let active = chains.filter((c) => !isDone(ctx, c));
  let rounds = 0;
  let denoiserMs = 0;
  while (active.length > 0) {
    hooks.signal?.throwIfAborted();
    const counts = active.map((c) => prepare(ctx, c));
    const total = counts.reduce((a, b) => a + b, 0);
    const batch = { rows: total, x: new Float32Array(total * dim), timesteps: new Int32Array(total), alphaBar: new Float64Array(total) };
    let offset = 0;
    active.forEach((c, i) => {
      writeRows(ctx, c, batch.x, batch.timesteps, batch.alphaBar, offset);
      offset += counts[i];
    });
    const callStart = performance.now();
    const outputs = await denoiser.evaluate(batch, hooks.signal);
    denoiserMs += performance.now() - callStart;
    if (outputs.length !== total * dim) throw new DenoiserBadResponseError(`denoiser returned ${outputs.length} values for ${total} rows of ${dim}`);
    offset = 0;
    active.forEach((c, i) => {
      commit(ctx, c, outputs, offset);
      offset += counts[i];
    });
    rounds++;
    if (hooks.onRound) {
      const event = roundEvent(rounds, chains, ctx.totals);
      if (ctx.preview) event.x0 = chains.map((c) => Array.from(core.f32(c.buf.previewX0, dim)));
      await hooks.onRound(event);
    }
    active = active.filter((c) => !isDone(ctx, c));
  }
  const samples = new Float32Array(chains.length * dim);
  chains.forEach((c, i) => samples.set(core.f32(c.buf.x, dim), i * dim));
  const totalMs = performance.now() - started;
  return { samples, stats: summarise(opts, rounds, chains, ctx.perStep), timing: { totalMs, denoiserMs, coreMs: totalMs - denoiserMs } };
};

// Running totals, not a sum over the schedule: an event costs O(chains) whatever the number of steps.
const roundEvent = (round: number, chains: Chain[], totals: VerifyTotals): RoundEvent => ({
  round,
  committed: chains.map((c) => c.counters.committed),
  acceptance: totals.verified ? totals.accepted / totals.verified : 0,
});
