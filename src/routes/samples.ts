// POST /v1/samples: validate (schema, then model and limits), sample, answer in the requested format.
import { createRoute, z } from "@hono/zod-openapi";
import type { AppDeps } from "../deps.ts";
import { requireToken } from "../api/auth.ts";
import { bodyCap } from "../api/body.ts";
import { rateLimit } from "../api/rate-limit.ts";
import { planRequest } from "../api/plan.ts";
import { apiRouter } from "../api/router.ts";
import { answerPlan } from "../api/run.ts";
import { outputFromAccept } from "../api/negotiate.ts";
import { SampleRequestSchema, SampleResponseSchema } from "../api/schemas/index.ts";
import { loadModels } from "../config/index.ts";
import { errorDoc as error } from "./responses.ts";

// Headers of the 200 answers (src/api/encode/response.ts; a stream's X-Seed: src/api/run.ts).
const ANSWER_HEADERS = z.object({
  "X-Seed": z.string().regex(/^[0-9]+$/).openapi({ description: "the seed used (the request's, or the one drawn for it); every format, streams included" }),
  "X-Stats": z.string().optional().openapi({ description: "json, npy and png answers: JSON of method, steps, rounds, target_rows, speedup, acceptance, total_ms, denoiser_ms, core_ms" }),
  "Server-Timing": z.string().optional().openapi({ description: "json, npy and png answers: total, denoiser and core durations in ms (total;dur=..., denoiser;dur=..., core;dur=...)" }),
});
const binary = z.string().openapi({ format: "binary" });

export const samplesRoute = createRoute({
  method: "post",
  path: "/v1/samples",
  operationId: "drawSamples",
  summary: "Draw samples",
  description:
    "Exact samples of the model's sequential sampler, in fewer denoiser rounds with method token or block. " +
    "The format is the body's `output`; when the body has none, Accept: image/png answers png and Accept: application/x-npy npy (else JSON). " +
    "`stream: true` or Accept: text/event-stream answers Server-Sent Events.",
  security: [{ bearer: [] }],
  // Auth and the rate limit first: an unauthenticated or limited client makes the Worker buffer no body.
  // Then the body is capped and its JSON shape checked before the validator parses it (src/api/body.ts).
  middleware: [requireToken(), rateLimit(), bodyCap()] as const,
  request: { body: { content: { "application/json": { schema: SampleRequestSchema } }, required: true } },
  responses: {
    200: {
      description: "Samples; the X-Seed header in every format, X-Stats (JSON summary) and Server-Timing with json, npy and png (a stream's result event holds them)",
      headers: ANSWER_HEADERS,
      content: {
        "application/json": { schema: SampleResponseSchema },
        "application/x-npy": { schema: binary },
        "image/png": { schema: binary },
        "text/event-stream": { schema: z.string().openapi({ description: "events: round* then result (or error)" }) },
      },
    },
    400: error("Malformed JSON body"),
    401: error(
      "API_TOKEN is set and the bearer token is missing or wrong",
      z.object({ "WWW-Authenticate": z.string().openapi({ description: 'Bearer realm="samples"' }) }),
    ),
    413: error("Over a size limit (output_values, memory, cpu_work, mixture size); the message names it"),
    415: error("Content-Type is not application/json"),
    422: error("A field is invalid; error.field names it"),
    429: error(
      "rate_limited: more requests from this IP address than the deployment's rate limit allows (wrangler.toml [[ratelimits]])",
      z.object({ "Retry-After": z.int().min(0).openapi({ description: "seconds to wait before retrying: the rate limit's period" }) }),
    ),
    502: error("The denoiser provider answered something unusable, refused the call, kept failing, or could not be reached (denoiser_unreachable)"),
    503: error(
      "model_unavailable: the model's configuration is broken (error.message names the problem) or its provider is not bundled; overloaded: the isolate's memory is held by running requests (Retry-After)",
      z.object({ "Retry-After": z.int().min(0).optional().openapi({ description: "seconds to wait before retrying (overloaded only)" }) }),
    ),
    504: error("The denoiser provider did not answer in time (denoiser_timeout), or the request ran past its total deadline (deadline_exceeded)"),
  },
});

export const samplesRouter = (deps: AppDeps) =>
  apiRouter().openapi(samplesRoute, async function postSamples(c) {
    const catalog = loadModels(c.env?.MODELS, deps.settingsChecks);
    const accept = c.req.header("accept");
    const acceptsStream = (accept ?? "").includes("text/event-stream");
    const plan = planRequest(c.req.valid("json"), catalog, acceptsStream, outputFromAccept(accept));
    return answerPlan(plan, { coreModule: deps.coreModule, providers: deps.providers ?? {}, env: c.env ?? {}, context: c });
  });
