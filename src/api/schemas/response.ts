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

export const SampleResponseSchema = z
  .object({
    samples: z.object({
      shape: z.array(z.int()).openapi({ description: "[num_samples, ...model shape]" }),
      dtype: z.literal("float32"),
      data: z.array(z.number()).openapi({ description: "flat, row-major" }),
    }),
    seed: z.int(),
    stats: StatsSchema,
    timing: TimingSchema,
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
    scheduler: z.record(z.string(), z.unknown()).openapi({ description: "diffusers scheduler config" }),
    defaults: z.object({
      steps: z.int(),
      method: z.enum(METHODS),
      draft: z.object({ type: z.string(), window: z.int(), freeze: z.string(), bonus: z.boolean(), adaptive: z.boolean() }),
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
