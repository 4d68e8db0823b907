// What the API answers: documented here, generated into /openapi.json.
import { z } from "@hono/zod-openapi";
import { PROVIDERS } from "../../config/index.ts";
import { METHODS } from "../../sampler/options.ts";

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "invalid_request" }),
      message: z.string(),
      field: z.string().optional().openapi({ description: "dotted path of the offending request field", example: "draft.window" }),
    }),
  })
  .openapi("Error");

const ChainStats = z.object({
  rounds: z.int().openapi({ description: "sequential denoiser calls this chain took part in (warm-up and deterministic steps included)" }),
  rows: z.int(),
  committed: z.int(),
  accepted: z.int(),
  committed_per_round: z.number(),
});

const StepStats = z.object({
  step: z.int(),
  t: z.int(),
  sigma: z.number(),
  verified: z.int(),
  delta: z.number().nullable(),
  acceptance: z.number().nullable(),
  coupling_acceptance: z.number().nullable(),
});

export const StatsSchema = z
  .object({
    method: z.string(),
    steps: z.int(),
    rounds: z.int().openapi({ description: "batched denoiser calls: the latency" }),
    target_rows: z.int(),
    speedup: z.number().openapi({ description: "steps / rounds" }),
    acceptance: z.number().nullable(),
    chains: z.array(ChainStats),
    per_step: z.array(StepStats),
  })
  .openapi("SampleStats");

export const TimingSchema = z
  .object({ total_ms: z.number(), denoiser_ms: z.number(), core_ms: z.number() })
  .openapi("Timing");

export const PipelineSchema = z
  .object({
    conditioning: z.enum(["class_labels", "prompt"]).nullable().openapi({ description: "what the chains were conditioned on (null: unconditional)" }),
    guidance_scale: z.number().openapi({ description: "w in u + w (c - u); 1: conditional rows only" }),
    guidance: z.enum(["rows", "provider"]).openapi({ description: "rows: two model rows per chain combined in the Worker; provider: the model guided itself" }),
    rows_per_evaluation: z.int().openapi({ description: "model rows per sampler row (2 with guidance in rows); stats rows count model rows" }),
    encoder_calls: z.int().openapi({ description: "encoder calls made (0 when every prompt was cached)" }),
    cached_prompts: z.int().openapi({ description: "distinct prompts whose embeddings came from the isolate's cache" }),
    decoder_calls: z.int(),
    decoded: z.boolean().openapi({ description: "samples are decoded images (false: the latents)" }),
    value_range: z.array(z.number()).length(2).nullable().openapi({ description: "the decoded images' value range (null for latents)" }),
    round_trips: z.int().openapi({ description: "sequential provider calls: denoiser rounds plus encoder and decoder calls" }),
  })
  .openapi("Pipeline", { description: "models with conditioning or a decoder only" });

export const SampleResponseSchema = z
  .object({
    samples: z.object({
      shape: z.array(z.int()).openapi({ description: "[num_samples, ...model shape], or [num_samples, ...decoded shape] for decoded images" }),
      dtype: z.literal("float32"),
      data: z.array(z.number()).openapi({ description: "flat, row-major" }),
    }),
    seed: z.int(),
    stats: StatsSchema,
    timing: TimingSchema,
    pipeline: PipelineSchema.optional(),
  })
  .openapi("SampleResponse");

export const ModelInfoSchema = z
  .object({
    id: z.string(),
    description: z.string(),
    provider: z.enum(PROVIDERS),
    available: z.literal(true),
    shape: z.array(z.int()),
    image: z.boolean().openapi({ description: "true when output: png is available" }),
    conditioning: z
      .union([
        z.object({ type: z.literal("class_labels"), num_classes: z.int(), null_class: z.int() }),
        z.object({ type: z.literal("prompt"), embedding_shape: z.array(z.int()) }),
      ])
      .optional()
      .openapi({ description: "conditional models: the request field they take (class_labels or prompt)" }),
    guidance: z.object({ default_scale: z.number(), mode: z.enum(["rows", "provider"]) }).optional(),
    decoder: z.object({ output_shape: z.array(z.int()), output_range: z.array(z.number()).length(2) }).optional()
      .openapi({ description: "models with a decoder: answers are decoded images of this shape unless decode is false" }),
    scheduler: z.record(z.string(), z.unknown()).openapi({ description: "diffusers scheduler config" }),
    defaults: z.object({
      steps: z.int(),
      method: z.enum(METHODS),
      draft: z.object({ type: z.string(), window: z.int(), freeze: z.string(), bonus: z.boolean(), adaptive: z.boolean() }),
      noise_level: z.number().optional().openapi({ description: "flow matching: the SDE noise level used when a request's scheduler names neither noise_level nor stochastic_sampling" }),
    }),
  })
  .openapi("Model");

// A MODELS entry that does not serve: requests for it answer 503 model_unavailable with the same reason.
export const UnavailableModelSchema = z
  .object({
    id: z.string(),
    description: z.string(),
    provider: z.enum(PROVIDERS).optional(),
    available: z.literal(false),
    reason: z.string().openapi({ description: "what is wrong with the model's MODELS entry" }),
  })
  .openapi("UnavailableModel");

export const ModelsResponseSchema = z
  .object({
    models: z.array(z.union([ModelInfoSchema, UnavailableModelSchema])),
    config_errors: z
      .array(z.string())
      .optional()
      .openapi({ description: "MODELS problems no listed id carries (not valid JSON, an entry without an id, a built-in's id reused)" }),
  })
  .openapi("Models");

export const HealthSchema = z
  .object({ status: z.literal("ok"), version: z.string(), core: z.object({ simd: z.boolean(), memory_pages: z.number() }) })
  .openapi("Health");
