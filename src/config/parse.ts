// Reads the MODELS binding (a JSON array, as a string or a structured wrangler var) into typed entries,
// one entry at a time: a broken entry is reported on its own and does not take the others down.
import { z } from "@hono/zod-openapi";
import { isDomainError } from "../errors.ts";
import { builtinModel } from "../models/index.ts";
import { DRAFT_TYPES, FREEZES, MAX_WINDOW, METHODS } from "../sampler/options.ts";
import { parseSchedulerConfig } from "../sampler/scheduler/index.ts";
import { ANALYTIC_SCHEDULER } from "./builtins.ts";
import { ConditioningEntry, DecoderEntry, GuidanceEntry, pipelineOf, StageSettings } from "./pipeline.ts";
import { ConfigError } from "./errors.ts";
import { MAX_DEADLINE_MS, PROVIDERS, type ModelConfig, type ModelDefaults } from "./types.ts";

const DraftDefaults = z.strictObject({
  type: z.enum(DRAFT_TYPES).optional(),
  window: z.int().min(1).max(MAX_WINDOW).optional(),
  freeze: z.enum(FREEZES).optional(),
  bonus: z.boolean().optional(),
  adaptive: z.boolean().optional(),
});

const Entry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "id must be 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit"),
  description: z.string().default(""),
  provider: z.enum(PROVIDERS),
  mixture: z.string().optional(),
  shape: z.array(z.int().positive()).min(1).optional(),
  scheduler: z.record(z.string(), z.unknown()).optional(),
  defaults: z
    .strictObject({
      steps: z.int().positive().optional(),
      method: z.enum(METHODS).optional(),
      draft: DraftDefaults.optional(),
      // Flow matching: the SDE noise level a request gets when its scheduler names neither noise_level
      // nor stochastic_sampling (speculation needs noise; the SDE keeps acceptance higher than re-noising).
      noise_level: z.number().gt(0).max(2).optional(),
    })
    .optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  // A conditional pipeline (src/config/pipeline.ts): conditioning, guidance, encoder and decoder stages.
  conditioning: ConditioningEntry.optional(),
  guidance: GuidanceEntry.optional(),
  encoder: StageSettings.optional(),
  decoder: DecoderEntry.optional(),
  // Total time a request may take, streamed or not (src/api/deadline.ts has the defaults).
  limits: z.strictObject({ deadline_ms: z.int().min(100).max(MAX_DEADLINE_MS).optional() }).optional(),
});

/** The entries of MODELS, unchecked; throws ConfigError when MODELS as a whole cannot be read. */
export const readModelsVar = (raw: unknown): unknown[] => {
  if (raw === undefined || raw === null || (typeof raw === "string" && raw.trim() === "")) return [];
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch (e) {
      throw new ConfigError(`MODELS is not valid JSON (${(e as Error).message})`);
    }
  }
  if (!Array.isArray(value)) throw new ConfigError("MODELS must be a JSON array of model entries");
  return value;
};

/** What a raw entry says about itself, for listing it even when it does not parse. */
export const entryLabel = (raw: unknown): { id?: string; description: string; provider?: ModelConfig["provider"] } => {
  const o = typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  return {
    id: typeof o.id === "string" && o.id !== "" ? o.id : undefined,
    description: typeof o.description === "string" ? o.description : "",
    provider: PROVIDERS.find((p) => p === o.provider),
  };
};

/** One entry as a typed config; `base` supplies default steps, method and draft. Throws ConfigError with the reason. */
export const parseEntry = (raw: unknown, base: ModelDefaults): ModelConfig => {
  const parsed = Entry.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(formatIssue).join("; "));
  return toConfig(parsed.data, base);
};

function formatIssue(issue: z.core.$ZodIssue): string {
  const path = issue.path.map((k, i) => (typeof k === "number" ? `[${k}]` : `${i === 0 ? "" : "."}${String(k)}`)).join("");
  return path ? `${path}: ${issue.message}` : issue.message;
}

function toConfig(e: z.infer<typeof Entry>, base: ModelDefaults): ModelConfig {
  let shape = e.shape;
  if (e.provider === "embedded") {
    const m = e.mixture === undefined ? undefined : builtinModel(e.mixture);
    if (!m) throw new ConfigError(`an embedded model needs "mixture", a built-in model id`);
    if (shape && shape.reduce((p, n) => p * n, 1) !== m.dim) throw new ConfigError(`shape does not match mixture ${m.id}`);
    shape ??= [...m.shape];
  }
  if (!shape) throw new ConfigError(`"shape" is required`);
  const scheduler = e.scheduler ?? (e.provider === "embedded" ? ANALYTIC_SCHEDULER : {});
  const defaults: ModelDefaults = {
    steps: e.defaults?.steps ?? base.steps,
    method: e.defaults?.method ?? base.method,
    draft: { ...base.draft, ...e.defaults?.draft },
    ...(e.defaults?.noise_level !== undefined && { noiseLevel: e.defaults.noise_level }),
  };
  let parsed;
  try {
    parsed = parseSchedulerConfig(scheduler, { field: "scheduler" });
  } catch (err) {
    throw new ConfigError(isDomainError(err) && err.field ? `${err.field}: ${err.message}` : (err as Error).message);
  }
  if (defaults.steps > parsed.numTrainTimesteps) throw new ConfigError(`defaults.steps ${defaults.steps} exceeds num_train_timesteps ${parsed.numTrainTimesteps}`);
  if (e.provider === "embedded" && parsed.predictionType !== "epsilon") throw new ConfigError("embedded models predict epsilon");
  if (defaults.noiseLevel !== undefined && parsed.kind !== "flow_match") throw new ConfigError("defaults.noise_level is for flow-matching schedulers");
  let pipeline;
  try {
    pipeline = pipelineOf(e, e.provider);
  } catch (err) {
    throw new ConfigError((err as Error).message);
  }
  return { id: e.id, description: e.description, provider: e.provider, shape, scheduler, defaults, mixture: e.mixture, settings: e.settings, pipeline, deadlineMs: e.limits?.deadline_ms };
}
