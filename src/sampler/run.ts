// The round loop: every active chain prepares its rows, ONE batched denoiser call evaluates them
// all, and each output goes to its chain as it arrives; a chain commits after its last row.
// Finished chains drop out of the batch.
import type { Core, Ptr } from "../core/instance.ts";
import type { Denoiser, DenoiserBatch } from "../denoisers/port.ts";
import { DenoiserBadResponseError } from "../errors.ts";
import { checkSamplerOptions, type SamplerOptions } from "./options.ts";
import { seedKey } from "./randomness.ts";
import { consume, isDone, newChain, prepare, rowInput } from "./chain.ts";
import { allocScratch, chainBytes, chainShape, scratchBytes } from "./buffers.ts";
import type { ChainState, SamplerContext } from "./state.ts";
import { summarise, type SampleStats } from "./summary.ts";
import { newStepCounters, type VerifyTotals } from "./stats.ts";
import { newLatencyFit, observeCall } from "./latency.ts";

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
  /** Milliseconds clock timing each denoiser call for draft.auto's measured latency (default performance.now);
   * the window choices, hence the samples, are deterministic given the times it reads. */
  clock?: () => number;
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
  const preview = hooks.preview === true;
  const shape = chainShape(opts, dim, preview);
  // One exact growth of core memory for everything below (the allocator would otherwise double it).
  core.reserve(scratchBytes(dim) + opts.numChains * chainBytes(shape));
  const ctx: SamplerContext = {
    core, opts, sched: opts.schedule, key: seedKey(opts.seed), dim, scratch: allocScratch(core, dim),
    perStep: newStepCounters(opts.schedule.steps.length), totals: { verified: 0, accepted: 0 }, preview,
    activeSteps: new Int32Array(0), latencyFit: opts.draft.auto?.measured ? newLatencyFit(opts.draft.auto.latency) : null,
  };
  const clock = hooks.clock ?? (() => performance.now());
  const first = opts.firstChain ?? 0;
  const chains: ChainState[] = Array.from({ length: opts.numChains }, (_, c) => newChain(ctx, shape, first + c));
  let active = chains.filter((c) => !isDone(ctx, c));
  let rounds = 0;
  let denoiserMs = 0;
  while (active.length > 0) {
    hooks.signal?.throwIfAborted();
    if (opts.draft.auto) ctx.activeSteps = Int32Array.from(active, (c) => c.k).sort();
    const batch = roundBatch(ctx, active, first);
    const callStart = performance.now();
    const clockStart = clock();
    await denoiser.evaluate(batch, hooks.signal);
    if (ctx.latencyFit) observeCall(ctx.latencyFit, batch.rows, clock() - clockStart);
    denoiserMs += performance.now() - callStart;
    batch.checkComplete();
    rounds++;
    if (hooks.onRound) {
      const event = roundEvent(rounds, chains, ctx.totals);
      if (preview) event.x0 = chains.map((c) => Array.from(core.f32(c.rows.previewX0, dim)));
      await hooks.onRound(event);
    }
    active = active.filter((c) => !isDone(ctx, c));
  }
  const samples = new Float32Array(chains.length * dim);
  chains.forEach((c, i) => samples.set(core.f32(c.rows.x, dim), i * dim));
  const totalMs = performance.now() - started;
  return { samples, stats: summarise(opts, rounds, chains, ctx.perStep), timing: { totalMs, denoiserMs, coreMs: totalMs - denoiserMs } };
};

/** Prepares every active chain and describes the round's rows; outputs go to their chains as they are put. */
const roundBatch = (ctx: SamplerContext, active: ChainState[], first: number): DenoiserBatch & { checkComplete(): void } => {
  const { core, dim } = ctx;
  const counts = active.map((c) => prepare(ctx, c));
  const total = counts.reduce((a, b) => a + b, 0);
  const owner = new Int32Array(total);
  const chain = new Int32Array(total);
  const local = new Int32Array(total);
  const states = new Array<Ptr>(total);
  const timesteps = new Float64Array(total);
  const inputScale = new Float64Array(total);
  const a = new Float64Array(total);
  const s = new Float64Array(total);
  const alphaBar = new Float64Array(total);
  for (let i = 0, r = 0; i < active.length; i++) {
    for (let j = 0; j < counts[i]; j++, r++) {
      const { state, step } = rowInput(ctx, active[i], j);
      owner[r] = i;
      chain[r] = active[i].id - first;
      local[r] = j;
      states[r] = state;
      timesteps[r] = step.t;
      inputScale[r] = step.inputScale;
      a[r] = step.a;
      s[r] = step.s;
      alphaBar[r] = step.alphaProdT;
    }
  }
  let next = 0;
  return {
    rows: total,
    chain,
    timesteps,
    inputScale,
    a,
    s,
    alphaBar,
    output: ctx.sched.predictionType,
    family: ctx.sched.family,
    state: (r) => core.f32(states[r], dim),
    put: function putOutput(r, output) {
      if (r !== next) throw new DenoiserBadResponseError(`denoiser returned row ${r} where row ${next} was due`);
      if (output.length !== dim) throw new DenoiserBadResponseError(`denoiser returned ${output.length} values for a row of ${dim}`);
      let ptr = core.ptrOf(output);
      if (ptr === null) {
        core.f32(ctx.scratch.output, dim).set(output);
        ptr = ctx.scratch.output;
      }
      const i = owner[r];
      consume(ctx, active[i], local[r], ptr, local[r] === counts[i] - 1);
      next++;
    },
    checkComplete: () => {
      if (next !== total) throw new DenoiserBadResponseError(`denoiser returned ${next} of ${total} rows`);
    },
  };
};

// Running totals, not a sum over the schedule: an event costs O(chains) whatever the number of steps.
const roundEvent = (round: number, chains: ChainState[], totals: VerifyTotals): RoundEvent => ({
  round,
  committed: chains.map((c) => c.counters.committed),
  acceptance: totals.verified ? totals.accepted / totals.verified : 0,
});
