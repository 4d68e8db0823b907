// GET /v1/models: what can be sampled, with shape, provider, scheduler config and defaults.
import { createRoute } from "@hono/zod-openapi";
import { imageLayout } from "../api/model.ts";
import { apiRouter } from "../api/router.ts";
import { ModelsResponseSchema } from "../api/schemas/index.ts";
import { loadModels, type ModelConfig } from "../config/index.ts";

export const modelsRoute = createRoute({
  method: "get",
  path: "/v1/models",
  summary: "List models",
  responses: { 200: { description: "Configured models (built-in analytic ones first)", content: { "application/json": { schema: ModelsResponseSchema } } } },
});

// Provider settings (base URLs, tensor names) are deployment details: not listed.
const modelInfo = (m: ModelConfig) => ({
  id: m.id,
  description: m.description,
  provider: m.provider,
  shape: [...m.shape],
  image: imageLayout(m.shape) !== null,
  scheduler: { ...m.scheduler },
  defaults: { steps: m.defaults.steps, method: m.defaults.method, draft: { ...m.defaults.draft } },
});

export const modelsRouter = () =>
  apiRouter().openapi(modelsRoute, function listModels(c) {
    return c.json({ models: loadModels(c.env?.MODELS).models.map(modelInfo) }, 200);
  });
