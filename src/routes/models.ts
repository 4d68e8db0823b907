// GET /v1/models: what can be sampled, with shape, provider, scheduler config and defaults; broken
// MODELS entries are listed as unavailable with the reason.
import { createRoute, type z } from "@hono/zod-openapi";
import { imageLayout } from "../api/model.ts";
import { apiRouter } from "../api/router.ts";
import { ModelsResponseSchema } from "../api/schemas/index.ts";
import { loadModels, type CatalogEntry } from "../config/index.ts";
import type { AppDeps } from "../deps.ts";

export const modelsRoute = createRoute({
  method: "get",
  path: "/v1/models",
  summary: "List models",
  responses: { 200: { description: "Configured models (built-in analytic ones first)", content: { "application/json": { schema: ModelsResponseSchema } } } },
});

type ModelListing = z.infer<typeof ModelsResponseSchema>["models"][number];

// Provider settings (base URLs, tensor names) are deployment details: not listed.
const modelInfo = (e: CatalogEntry): ModelListing => {
  if (!e.available) return { id: e.id, description: e.description, provider: e.provider, available: false, reason: e.reason };
  const m = e.config;
  return {
    id: m.id,
    description: m.description,
    provider: m.provider,
    available: true,
    shape: [...m.shape],
    image: imageLayout(m.shape) !== null,
    scheduler: { ...m.scheduler },
    defaults: { steps: m.defaults.steps, method: m.defaults.method, draft: { ...m.defaults.draft } },
  };
};

export const modelsRouter = (deps: Pick<AppDeps, "settingsChecks"> = {}) =>
  apiRouter().openapi(modelsRoute, function listModels(c) {
    const catalog = loadModels(c.env?.MODELS, deps.settingsChecks);
    const models = catalog.entries.map(modelInfo);
    return c.json(catalog.errors.length ? { models, config_errors: [...catalog.errors] } : { models }, 200);
  });
