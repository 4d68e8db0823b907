// Reads the MODELS binding (a JSON array, as a string or a structured wrangler var) into typed entries.
import { z } from "@hono/zod-openapi";
import { builtinModel } from "../models/index.ts";
import { DRAFT_TYPES, FREEZES, MAX_WINDOW, METHODS } from "../sampler/options.ts";
import { parseSchedulerConfig } from "../sampler/scheduler/index.ts";
import { ANALYTIC_SCHEDULER } from "./builtins.ts";
import { PROVIDERS, type ModelConfig, type ModelDefaults } from "./types.ts";

/** A deployment whose model configuration is wrong: a server fault, logged, never shown to clients. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
}

const DraftDefaults = z.strictObject({
  type: z.enum(DRAFT_TYPES).optional(),
  window: z.int().min(1).max(MAX_WINDOW).optional(),
  freeze: z.enum(FREEZES).optional(),
  bonus: z.boolean().optional(),
  adaptive: z.boolean().optional(),
  extrapolate: z.boolean().optional(),
});

const Entry = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/),
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
    })
    .optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
});

const Entries = z.array(Entry);

/** Parses configured models; `base` supplies default steps, method and draft. Throws ConfigError. */
export const parseModelsVar = (raw: unknown, base: ModelDefaults): ModelConfig[] => {
  if (raw === undefined || raw === null || raw === "") return [];
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError("MODELS is not valid JSON");
    }
  }
  const parsed = Entries.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`MODELS[${issue.path.join(".")}]: ${issue.message}`);
  }
  return parsed.data.map((e) => toConfig(e, base));
};

function toConfig(e: z.infer<typeof Entry>, base: ModelDefaults): ModelConfig {
  const where = `MODELS entry "${e.id}"`;
  let shape = e.shape;
  if (e.provider === "embedded") {
    const m = e.mixture === undefined ? undefined : builtinModel(e.mixture);
    if (!m) throw new ConfigError(`${where}: an embedded model needs "mixture", a built-in model id`);
    if (shape && shape.reduce((p, n) => p * n, 1) !== m.dim) throw new ConfigError(`${where}: shape does not match mixture ${m.id}`);
    shape ??= [...m.shape];
  }
  if (!shape) throw new ConfigError(`${where}: "shape" is required`);
  const scheduler = e.scheduler ?? (e.provider === "embedded" ? ANALYTIC_SCHEDULER : {});
  const defaults: ModelDefaults = {
    steps: e.defaults?.steps ?? base.steps,
    method: e.defaults?.method ?? base.method,
    draft: { ...base.draft, ...e.defaults?.draft },
  };
  try {
    const parsed = parseSchedulerConfig(scheduler, { field: "scheduler" });
    if (defaults.steps > parsed.numTrainTimesteps) throw new Error(`defaults.steps exceeds num_train_timesteps`);
    if (e.provider === "embedded" && parsed.predictionType !== "epsilon") throw new Error("embedded models predict epsilon");
  } catch (err) {
    throw new ConfigError(`${where}: ${(err as Error).message}`);
  }
  return { id: e.id, description: e.description, provider: e.provider, shape, scheduler, defaults, mixture: e.mixture, settings: e.settings };
}
