// Asynchronous jobs: POST /v1/jobs submits /v1/samples's body for up to 1,000,000 samples and answers
// 202 at once; GET /v1/jobs/{id} polls it, GET /v1/jobs/{id}/result reads its samples from R2, DELETE
// /v1/jobs/{id} cancels it. Each job runs in its own Durable Object (src/jobs/durable.ts); see docs/jobs.md.
import { createRoute, z } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import type { AppDeps } from "../deps.ts";
import { requireToken } from "../api/auth.ts";
import { bodyCap } from "../api/body.ts";
import { MAX_NUM_SAMPLES } from "../api/limits.ts";
import { imageLayout } from "../api/model.ts";
import { rateLimit } from "../api/rate-limit.ts";
import { apiRouter } from "../api/router.ts";
import { JobAcceptedSchema, JobIdSchema, JobRequestSchema, JobResultQuerySchema, JobStatusSchema } from "../api/schemas/jobs.ts";
import { resolveSeed } from "../api/seed.ts";
import { loadModels } from "../config/index.ts";
import type { Env } from "../env.ts";
import { InvalidRequestError, LimitError, ResultUnavailableError } from "../errors.ts";
import { largestChunk } from "../jobs/chunk.ts";
import { callJob, canonicalJson, jobBindings, jobStub, ownerOf, sha256Hex } from "../jobs/client.ts";
import { JOB_LIMITS } from "../jobs/limits.ts";
import type { CreateCall } from "../jobs/protocol.ts";
import { jobView, statusUrl, type JobRecord } from "../jobs/record.ts";
import { resultResponse } from "../jobs/result.ts";
import { errorDoc as error } from "./responses.ts";

const binary = z.string().openapi({ format: "binary" });
const AUTH_401 = error("API_TOKEN is set and the bearer token is missing or wrong", z.object({ "WWW-Authenticate": z.string().openapi({ description: 'Bearer realm="samples"' }) }));
const UNAVAILABLE_503 = error("jobs_unavailable: the deployment lacks the JOBS Durable Object or JOB_RESULTS R2 binding (the message names it)");
const NOT_FOUND_404 = error("not_found: no job with this id was created with this bearer token");
const IdParams = z.object({ id: JobIdSchema });

/** 503 jobs_unavailable before anything reads the body when the bindings are missing. */
const requireJobs = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function requireJobs(c, next) {
    jobBindings(c.env);
    await next();
  };

export const createJobRoute = createRoute({
  method: "post",
  path: "/v1/jobs",
  operationId: "createJob",
  summary: "Submit a job",
  description:
    "The body of POST /v1/samples for up to 1,000,000 samples, plus an optional webhook. Answers 202 at once; the job runs in chunks of chains " +
    "(each a request the Worker would serve on its own), chain c equal bit for bit to chain c of POST /v1/samples with the same body and seed. " +
    "An Idempotency-Key header makes a repeated submission answer the same job (202 with Idempotent-Replayed: true); the same key with another body is 422 idempotency_conflict.",
  security: [{ bearer: [] }],
  middleware: [requireToken(), rateLimit(), requireJobs(), bodyCap()] as const,
  request: {
    headers: z.object({
      "idempotency-key": z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/).optional().openapi({ description: "1..255 printable ASCII characters; scoped to the bearer token" }),
    }),
    body: { content: { "application/json": { schema: JobRequestSchema } }, required: true },
  },
  responses: {
    202: {
      description: "The job (new, or the one this Idempotency-Key made)",
      headers: z.object({
        Location: z.string().openapi({ description: "the job's status URL" }),
        "Idempotent-Replayed": z.string().optional().openapi({ description: "true when the Idempotency-Key named an existing job" }),
      }),
      content: { "application/json": { schema: JobAcceptedSchema } },
    },
    400: error("Malformed JSON body"),
    401: AUTH_401,
    413: error("Over a size limit: per chunk as for POST /v1/samples (memory, cpu, output_values), or the job's own (num_samples x dim, parts, json_values)"),
    415: error("Content-Type is not application/json"),
    422: error("A field is invalid (error.field names it); idempotency_conflict: the Idempotency-Key was used with another body"),
    429: error(
      "rate_limited: more requests from this IP address than the deployment's rate limit allows (shared with POST /v1/samples)",
      z.object({ "Retry-After": z.int().min(0).openapi({ description: "seconds to wait before retrying: the rate limit's period" }) }),
    ),
    503: error("jobs_unavailable: the deployment lacks the jobs' bindings; model_unavailable: the model's configuration is broken"),
  },
});

export const getJobRoute = createRoute({
  method: "get",
  path: "/v1/jobs/{id}",
  operationId: "getJob",
  summary: "A job's status and progress",
  security: [{ bearer: [] }],
  middleware: [requireToken(), requireJobs()] as const,
  request: { params: IdParams },
  responses: {
    200: { description: "Status, progress (chains done of total, rounds), stats so far, and once succeeded the result's URLs", content: { "application/json": { schema: JobStatusSchema } } },
    401: AUTH_401,
    404: NOT_FOUND_404,
    503: UNAVAILABLE_503,
  },
});

export const cancelJobRoute = createRoute({
  method: "delete",
  path: "/v1/jobs/{id}",
  operationId: "cancelJob",
  summary: "Cancel a job",
  description: "Stops a queued or running job (its partial samples are deleted) and answers its status; a finished job is answered unchanged.",
  security: [{ bearer: [] }],
  middleware: [requireToken(), requireJobs()] as const,
  request: { params: IdParams },
  responses: {
    200: { description: "The job's status after the cancel", content: { "application/json": { schema: JobStatusSchema } } },
    401: AUTH_401,
    404: NOT_FOUND_404,
    503: UNAVAILABLE_503,
  },
});

export const jobResultRoute = createRoute({
  method: "get",
  path: "/v1/jobs/{id}/result",
  operationId: "getJobResult",
  summary: "A succeeded job's samples",
  description:
    "npy (streamed from the job's R2 parts), json (only up to 262,144 values) or one PNG page of an image model's samples (`page`, up to 256 samples a page). " +
    "The format is `format`, else the job's `output`, else npy.",
  security: [{ bearer: [] }],
  middleware: [requireToken(), requireJobs()] as const,
  request: { params: IdParams, query: JobResultQuerySchema },
  responses: {
    200: {
      description: "The samples, shape [num_samples, ...model shape]; X-Seed and X-Stats (the job's stats) in every format",
      headers: z.object({
        "X-Seed": z.string().regex(/^[0-9]+$/).openapi({ description: "the job's seed" }),
        "X-Stats": z.string().openapi({ description: "JSON of method, steps, rounds, target_rows, speedup, acceptance over the job" }),
      }),
      content: {
        "application/x-npy": { schema: binary },
        "application/json": { schema: z.object({ samples: z.object({ shape: z.array(z.int()), dtype: z.literal("float32"), data: z.array(z.number()) }), seed: z.int(), stats: JobStatusSchema.shape.stats }).openapi("JobResult") },
        "image/png": { schema: binary },
      },
    },
    401: AUTH_401,
    404: NOT_FOUND_404,
    409: error("result_unavailable: the job has not succeeded (queued, running, failed or cancelled; the message says which)"),
    413: error("format=json for a result over json_values (262,144 values)"),
    422: error("format=png for a model that is not an image, or a page out of range"),
    503: UNAVAILABLE_503,
  },
});

const notReady = (r: JobRecord): string => {
  if (r.status === "failed") return `job ${r.id} failed: ${r.error?.message ?? "unknown reason"}`;
  if (r.status === "cancelled") return `job ${r.id} was cancelled`;
  return `job ${r.id} is ${r.status} (${r.chainsDone} of ${r.numSamples} chains done): poll GET /v1/jobs/${r.id} until it succeeds`;
};

export const jobsRouter = (deps: AppDeps) =>
  apiRouter()
    .openapi(createJobRoute, async function createJob(c) {
      const { jobs } = jobBindings(c.env);
      const body = c.req.valid("json");
      if (body.stream) throw new InvalidRequestError("stream", "a job is not streamed: poll GET /v1/jobs/{id}, or give a webhook");
      if (body.webhook && !c.env?.WEBHOOK_SECRET) throw new InvalidRequestError("webhook", "this deployment cannot sign webhooks (its WEBHOOK_SECRET secret is not set): submit without webhook and poll");
      const catalog = loadModels(c.env?.MODELS, deps.settingsChecks);
      const n = body.num_samples;
      const seed = resolveSeed(body.seed);
      // Every chunk is a /v1/samples request: the largest one the per-request limits admit (or chunk_chains).
      const { chains, plan } = largestChunk(body, catalog, seed, Math.min(n, body.chunk_chains ?? MAX_NUM_SAMPLES));
      // The answer's shape: the model's, or its decoder's output for a model whose pipeline decodes.
      const sampleShape = [...plan.answerShape];
      const dim = sampleShape.reduce((a, b) => a * b, 1);
      if (n * dim > JOB_LIMITS.maxValues) throw new LimitError("num_samples", `num_samples x dim = ${n * dim} values; a job's limit is ${JOB_LIMITS.maxValues} values (1 GiB of float32)`);
      const output = body.output ?? "npy";
      const image = imageLayout(sampleShape);
      if (output === "png" && !image) throw new InvalidRequestError("output", `model "${plan.model.id}" has shape [${sampleShape.join(", ")}], not an image ([H, W] or [1|3, H, W])`);
      if (output === "json" && n * dim > JOB_LIMITS.jsonValues) {
        throw new LimitError("output", `num_samples x dim = ${n * dim} values; limit json_values is ${JOB_LIMITS.jsonValues}: ask for "output": "npy" (4 bytes a value)`);
      }
      const parts = Math.ceil(n / chains);
      if (parts > JOB_LIMITS.maxParts) {
        throw new LimitError(body.chunk_chains ? "chunk_chains" : "num_samples", `the job would take ${parts} chunks of ${chains} chains; limit parts is ${JOB_LIMITS.maxParts} per job`);
      }
      const owner = await ownerOf(c.req.header("authorization"));
      const key = c.req.valid("header")["idempotency-key"];
      const bodyHash = await sha256Hex(canonicalJson(body));
      const objectId = key ? jobs.idFromName(`idempotency:${owner}:${key}`) : jobs.newUniqueId();
      const origin = new URL(c.req.url).origin;
      const call: CreateCall = {
        owner,
        bodyHash,
        origin,
        body,
        meta: {
          model: plan.model.id,
          numSamples: n,
          sampleShape,
          dim,
          seed,
          output,
          image,
          method: plan.options.method,
          steps: plan.options.schedule.steps.length,
          chunkChains: chains,
          webhook: body.webhook ?? null,
        },
      };
      const { record, created } = await callJob(jobs.get(objectId), "create", owner, objectId.toString(), call);
      const url = statusUrl(origin, record.id);
      return c.json({ id: record.id, status: record.status, status_url: url }, 202, { location: url, ...(created ? {} : { "idempotent-replayed": "true" }) });
    })
    .openapi(getJobRoute, async function getJob(c) {
      const { jobs } = jobBindings(c.env);
      const { id } = c.req.valid("param");
      const owner = await ownerOf(c.req.header("authorization"));
      const { record } = await callJob(jobStub(jobs, id), "status", owner, id);
      return c.json(jobView(record, new URL(c.req.url).origin), 200);
    })
    .openapi(cancelJobRoute, async function cancelJob(c) {
      const { jobs } = jobBindings(c.env);
      const { id } = c.req.valid("param");
      const owner = await ownerOf(c.req.header("authorization"));
      const { record } = await callJob(jobStub(jobs, id), "cancel", owner, id);
      return c.json(jobView(record, new URL(c.req.url).origin), 200);
    })
    .openapi(jobResultRoute, async function getJobResult(c) {
      const { jobs, results } = jobBindings(c.env);
      const { id } = c.req.valid("param");
      const query = c.req.valid("query");
      const owner = await ownerOf(c.req.header("authorization"));
      const { record, parts } = await callJob(jobStub(jobs, id), "parts", owner, id);
      if (record.status !== "succeeded") throw new ResultUnavailableError(notReady(record));
      const format = query.format ?? record.output;
      if (query.page !== undefined && format !== "png") throw new InvalidRequestError("page", "page is for format=png only");
      return resultResponse(record, parts, results, format, query.page ?? 0);
    });
