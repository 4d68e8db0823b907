// One planned request through a model's whole pipeline: prompts encoded (once per distinct prompt,
// cached per isolate), the denoiser conditioned and guided per chain, the sampler run, and the final
// latents decoded. Unconditional models go straight to the sampler.
import type { Core } from "../core/instance.ts";
import { conditionedDenoiser, type Guidance } from "../denoisers/conditioned.ts";
import type { Denoiser, RowCondition } from "../denoisers/port.ts";
import type { PipelineStages } from "../denoisers/stages.ts";
import { runSampler, type RunHooks, type SampleRun } from "../sampler/run.ts";
import type { SampleStats } from "../sampler/summary.ts";
import { promptsToEncode, type ConditioningPlan } from "./conditioning.ts";
import { yielding } from "./denoiser.ts";
import type { Answer, PipelineSummary } from "./encode/index.ts";
import type { SamplePlan } from "./plan.ts";

/** Whether guidance reads the negative prompts: unconditional rows in the Worker, or a model that takes them. */
const negativesRead = (c: ConditioningPlan, providerNegatives: boolean): boolean =>
  c.mode === "rows" ? c.scale !== 1 : providerNegatives;

/** Each chain's condition and unconditional value, built once (rows share them). */
const guidanceOf = async (plan: SamplePlan, stages: PipelineStages, signal: AbortSignal | undefined, counts: { encoderCalls: number; cachedPrompts: number; ms: number }): Promise<Guidance | undefined> => {
  const c = plan.conditioning;
  const p = plan.model.config?.pipeline;
  if (c.kind === "none" || !p?.conditioning) return undefined;
  if (c.kind === "class_labels") {
    const cond = Array.from(c.classLabels!, (k): RowCondition => ({ classLabel: k }));
    const uncond: RowCondition = { classLabel: c.nullClass! };
    return { cond: (i) => cond[i], uncond: () => uncond, scale: c.scale, mode: c.mode };
  }
  const providerNegatives = p.guidance.negativeInput !== undefined;
  const readNegatives = negativesRead(c, providerNegatives);
  const prompts = promptsToEncode(c, readNegatives);
  // Checked at planning: a prompt model has an encoder (src/config/pipeline.ts).
  const started = performance.now();
  const encoded = await stages.encoder!.encode(prompts, signal);
  counts.ms += performance.now() - started;
  counts.encoderCalls = encoded.calls;
  counts.cachedPrompts = encoded.cached;
  const byPrompt = new Map(prompts.map((text, i) => [text, encoded.embeddings[i]]));
  const cond = c.prompts!.map((text, i): RowCondition => ({
    embedding: byPrompt.get(text)!,
    negative: c.mode === "provider" && providerNegatives ? byPrompt.get(c.negatives![i]) : undefined,
  }));
  const uncond = readNegatives && c.mode === "rows" ? c.negatives!.map((text): RowCondition => ({ embedding: byPrompt.get(text)! })) : cond;
  return { cond: (i) => cond[i], uncond: (i) => uncond[i], scale: c.scale, mode: c.mode };
};

/** Stats count model rows: guidance in rows doubles them. */
const withModelRows = (stats: SampleStats, k: number): SampleStats =>
  k === 1 ? stats : { ...stats, target_rows: stats.target_rows * k, chains: stats.chains.map((ch) => ({ ...ch, rows: ch.rows * k })) };

/** Samples the plan and returns the answer: decoded images for a model with a decoder unless decode: false. */
export const samplePipeline = async (plan: SamplePlan, core: Core, base: Denoiser, stages: PipelineStages, hooks: RunHooks): Promise<Answer> => {
  const c = plan.conditioning;
  const counts = { encoderCalls: 0, cachedPrompts: 0, ms: 0 };
  const guidance = await guidanceOf(plan, stages, hooks.signal, counts);
  const denoiser = yielding(guidance ? conditionedDenoiser(base, guidance) : base);
  const run = await runSampler(core, denoiser, plan.options, hooks);
  const n = plan.options.numChains;
  const shape = [n, ...plan.answerShape];
  const seed = plan.options.seed;
  if (!guidance && !c.decode) return { run, seed, shape };
  let samples = run.samples;
  let decoderCalls = 0;
  const decoder = c.decode ? stages.decoder : undefined;
  if (decoder) {
    const started = performance.now();
    const decoded = await decoder.decode(run.samples, n, hooks.signal);
    counts.ms += performance.now() - started;
    samples = decoded.images;
    decoderCalls = decoded.calls;
  }
  const pipeline: PipelineSummary = {
    conditioning: c.kind === "none" ? null : c.kind,
    guidance_scale: c.scale,
    guidance: c.mode,
    rows_per_evaluation: c.rowsPerEvaluation,
    encoder_calls: counts.encoderCalls,
    cached_prompts: counts.cachedPrompts,
    decoder_calls: decoderCalls,
    decoded: decoder !== undefined,
    value_range: decoder ? [decoder.outputRange[0], decoder.outputRange[1]] : null,
    round_trips: run.stats.rounds + counts.encoderCalls + decoderCalls,
  };
  const timing = { ...run.timing, totalMs: run.timing.totalMs + counts.ms, denoiserMs: run.timing.denoiserMs + counts.ms };
  const out: SampleRun = { samples, stats: withModelRows(run.stats, c.rowsPerEvaluation), timing };
  return { run: out, seed, shape, pipeline };
};
