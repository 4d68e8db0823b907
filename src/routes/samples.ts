// POST /v1/samples: validate (schema, then model and limits), sample, answer in the requested format.
import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.ts";
import { requireToken } from "../api/auth.ts";
import { planRequest } from "../api/plan.ts";
import { apiRouter } from "../api/router.ts";
import { answerPlan } from "../api/run.ts";
import { ErrorSchema, SampleRequestSchema, SampleResponseSchema } from "../api/schemas/index.ts";
import { loadModels } from "../config/index.ts";

const error = (description: string) => ({ description, content: { "application/json": { schema: ErrorSchema } } });
const binary = z.string().openapi({ format: "binary" });

export const samplesRoute = createRoute({
  method: "post",
  path: "/v1/samples",
  summary: "Draw samples",
  description: "Exact samples of the model's sequential sampler, in fewer denoiser rounds with method token or block.",
  security: [{ bearer: [] }],
  middleware: [requireToken()] as const,
  request: { body: { content: { "application/json": { schema: SampleRequestSchema } }, required: true } },
  responses: {
    200: {
      description: "Samples; X-Seed, X-Stats (JSON summary) and Server-Timing headers in every format",
      content: {
        "application/json": { schema: SampleResponseSchema },
        "application/x-npy": { schema: binary },
        "image/png": { schema: binary },
        "text/event-stream": { schema: z.string().openapi({ description: "events: round* then result (or error)" }) },
      },
    },
    400: error("Malformed JSON body"),
    401: error("API_TOKEN is set and the bearer token is missing or wrong"),
    413: error("Over a size limit (output_values, memory, cpu_work, mixture size); the message names it"),
    415: error("Content-Type is not application/json"),
    422: error("A field is invalid; error.field names it"),
    502: error("The denoiser provider answered something unusable"),
    503: error("The model's configuration is broken (error.message names the problem) or its provider is not bundled"),
    504: error("The denoiser provider did not answer in time"),
  },
});

export const samplesRouter = (deps: AppDeps) =>
  apiRouter().openapi(samplesRoute, async function postSamples(c) {
    const catalog = loadModels(c.env?.MODELS, deps.settingsChecks);
    const acceptsStream = (c.req.header("accept") ?? "").includes("text/event-stream");
    const plan = planRequest(c.req.valid("json"), catalog, acceptsStream);
    return answerPlan(plan, { coreModule: deps.coreModule, providers: deps.providers ?? {}, env: c.env ?? {}, signal: c.req.raw.signal });
  });
