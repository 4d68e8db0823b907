// The job routes' bodies (POST /v1/jobs and what GET /v1/jobs/{id} answers), generated into /openapi.json.
// A job's body is /v1/samples's with a larger num_samples, a webhook and a chunk size knob.
import { z } from "@hono/zod-openapi";
import { JOB_LIMITS, JOB_STATUSES } from "../../jobs/limits.ts";
import { MAX_NUM_SAMPLES } from "../limits.ts";
import { OUTPUTS, SampleRequestSchema } from "./request.ts";

// A new object from the sample request's fields (not .extend, which the document would write as allOf
// with SampleRequest, whose num_samples bound and closed key set would still apply).
export const JobRequestSchema = z.strictObject({
  ...SampleRequestSchema.shape,
  num_samples: z.int().min(1).max(JOB_LIMITS.maxSamples).default(1).openapi({
    description: `samples of the job, 1..${JOB_LIMITS.maxSamples}; num_samples x dim at most ${JOB_LIMITS.maxValues} values`,
  }),
  output: z.enum(OUTPUTS).optional().openapi({
    description: `default format of GET /v1/jobs/{id}/result (npy when absent); json only up to ${JOB_LIMITS.jsonValues} values, png only for image models`,
  }),
  stream: z.boolean().optional().openapi({ description: "must be absent or false: a job's progress is polled (GET /v1/jobs/{id}) or called back (webhook)" }),
  webhook: z.url({ protocol: /^https?$/ }).max(2048).optional().openapi({
    description: "called with POST when the job succeeds or fails, signed with the deployment's WEBHOOK_SECRET (X-Signature: sha256=<hex>, X-Signature-Timestamp; docs/jobs.md)",
    example: "https://example.com/hooks/jobs",
  }),
  chunk_chains: z.int().min(1).max(MAX_NUM_SAMPLES).optional().openapi({
    description: "at most this many chains per chunk (a tuning and test knob); default and cap: the largest chunk the per-request limits admit",
  }),
}).openapi("JobRequest", { example: { model: "ring-2d", num_samples: 100000, seed: 7, output: "npy", webhook: "https://example.com/hooks/jobs" } });

export type JobRequest = z.infer<typeof JobRequestSchema>;

export const JobIdSchema = z.string().openapi({ description: "the id POST /v1/jobs answered", example: "3f1e0c9b7d2a4e6f8a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f6071" });

export const JobAcceptedSchema = z
  .object({
    id: JobIdSchema,
    status: z.enum(JOB_STATUSES),
    status_url: z.string().openapi({ description: "GET it for the job's status and progress" }),
  })
  .openapi("JobAccepted");

const JobErrorSchema = z.object({ code: z.string(), message: z.string() });

export const JobStatusSchema = z
  .object({
    id: JobIdSchema,
    status: z.enum(JOB_STATUSES),
    model: z.string().openapi({ description: "the model's id (inline for an inline mixture)" }),
    num_samples: z.int(),
    shape: z.array(z.int()).openapi({ description: "the result's shape: [num_samples, ...model shape]" }),
    seed: z.int(),
    output: z.enum(OUTPUTS).openapi({ description: "the result's default format" }),
    created_at: z.string(),
    updated_at: z.string(),
    started_at: z.string().nullable(),
    finished_at: z.string().nullable(),
    progress: z.object({
      chains_done: z.int(),
      chains_total: z.int(),
      chunks_done: z.int(),
      chunk_chains: z.int().openapi({ description: "chains per chunk now (halved after a chunk ran past its deadline)" }),
      rounds: z.int().openapi({ description: "batched denoiser calls so far, all chunks" }),
      attempt: z.int().openapi({ description: "failed attempts of the current chunk (0 when it has not failed)" }),
      next_attempt_at: z.string().nullable(),
      last_error: JobErrorSchema.nullable().openapi({ description: "why the current chunk's last attempt failed" }),
    }),
    stats: z
      .object({
        method: z.string(),
        steps: z.int(),
        rounds: z.int(),
        target_rows: z.int(),
        speedup: z.number().openapi({ description: "steps x chunks done / rounds" }),
        acceptance: z.number().nullable(),
      })
      .openapi({ description: "over the chunks done so far" }),
    error: JobErrorSchema.nullable().openapi({ description: "why the job failed" }),
    result: z
      .object({
        bytes: z.int().openapi({ description: "size of the npy result" }),
        npy: z.string(),
        json: z.string().nullable().openapi({ description: `null above ${JOB_LIMITS.jsonValues} values` }),
        png: z
          .object({ pages: z.int(), samples_per_page: z.int(), first: z.string(), template: z.string().openapi({ description: "replace {page} with 0..pages-1" }) })
          .nullable()
          .openapi({ description: "null for a model that is not an image" }),
      })
      .nullable()
      .openapi({ description: "URLs of GET /v1/jobs/{id}/result in each format, once the job succeeded" }),
    webhook: z
      .object({ url: z.string(), state: z.enum(["waiting", "pending", "delivered", "failed"]), attempts: z.int(), last_error: z.string().nullable() })
      .nullable(),
  })
  .openapi("JobStatus");

export const JobResultQuerySchema = z.object({
  format: z.enum(OUTPUTS).optional().openapi({ description: "npy, json or png; the job's output when absent" }),
  page: z.coerce.number().int().min(0).optional().openapi({ description: "png only: the page, 0..pages-1 (default 0)" }),
});
