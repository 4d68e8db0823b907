// GET /v1/models: what can be sampled, with shape, provider, scheduler config and defaults; broken
// MODELS entries are listed as unavailable with the reason. GET /v1/models/{id}: one of them.
import { createRoute, z } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import { clip, MAX_FIELD_CHARS } from "../api/errors.ts";
import { imageLayout } from "../api/model.ts";
import { apiRouter } from "../api/router.ts";
import { ModelInfoSchema, ModelsResponseSchema, UnavailableModelSchema } from "../api/schemas/index.ts";
import { loadModels, type CatalogEntry } from "../config/index.ts";
import type { AppDeps } from "../deps.ts";
import { errorDoc, OPEN } from "./responses.ts";

export const modelsRoute = createRoute({
  method: "get",
  path: "/v1/models",
  operationId: "listModels",
  summary: "List models",
  security: OPEN,
  responses: { 200: { description: "Configured models (built-in analytic ones first)", content: { "application/json": { schema: ModelsResponseSchema } } } },
});

export const modelRoute = createRoute({
  method: "get",
  path: "/v1/models/{id}",
  operationId: "getModel",
  summary: "Get one model",
  description: "The model as GET /v1/models lists it: a broken MODELS entry answers 200 with available: false and the reason.",
  security: OPEN,
  request: { params: z.object({ id: z.string().openapi({ description: "a model id from GET /v1/models", example: "glyphs" }) }) },
  responses: {
    200: { description: "The model", content: { "application/json": { schema: z.union([ModelInfoSchema, UnavailableModelSchema]) } } },
    404: errorDoc("No model has this id (code not_found; the message names the id)"),
  },
});

type ModelListing = z.infer<typeof ModelsResponseSchema>["models"][number];

// Provider settings (base URLs, tensor names) are deployment details: not listed.
const modelInfo = (e: CatalogEntry): ModelListing => {
  if (!e.available) return { id: e.id, description: e.description, provider: e.provider, available: false, reason: e.reason };
  const m = e.config;
  const p = m.pipeline;
  const c = p?.conditioning;
  return {
    id: m.id,
    description: m.description,
    provider: m.provider,
    available: true,
    shape: [...m.shape],
    image: imageLayout(p?.decoder?.outputShape ?? m.shape) !== null,
    scheduler: { ...m.scheduler },
    defaults: { steps: m.defaults.steps, method: m.defaults.method, draft: { ...m.defaults.draft }, ...(m.defaults.noiseLevel !== undefined && { noise_level: m.defaults.noiseLevel }) },
    ...(c && {
      conditioning: c.kind === "class_labels" ? { type: c.kind, num_classes: c.numClasses, null_class: c.nullClass } : { type: c.kind, embedding_shape: [...c.embeddingShape] },
      guidance: { default_scale: p.guidance.defaultScale, mode: p.guidance.mode },
    }),
    ...(p?.decoder && { decoder: { output_shape: [...p.decoder.outputShape], output_range: [p.decoder.outputRange[0], p.decoder.outputRange[1]] } }),
  };
};

const entryId = (e: CatalogEntry): string => (e.available ? e.config.id : e.id);

export const modelsRouter = (deps: Pick<AppDeps, "settingsChecks"> = {}) =>
  apiRouter()
    .openapi(modelsRoute, function listModels(c) {
      const catalog = loadModels(c.env?.MODELS, deps.settingsChecks);
      const models = catalog.entries.map(modelInfo);
      return c.json(catalog.errors.length ? { models, config_errors: [...catalog.errors] } : { models }, 200);
    })
    .openapi(modelRoute, function getModel(c) {
      const { id } = c.req.valid("param");
      const entry = loadModels(c.env?.MODELS, deps.settingsChecks).entries.find((e) => entryId(e) === id);
      if (!entry) throw new HTTPException(404, { message: `no model "${clip(id, MAX_FIELD_CHARS)}"; GET /v1/models lists them` });
      return c.json(modelInfo(entry), 200);
    });
