// The Worker's calls to a job's Durable Object: JSON over the object's fetch, one path per call.
// The owner (the token's hash) travels with every call: the object answers not_found to anyone else.
import type { JobRequest } from "../api/schemas/jobs.ts";
import type { JobRecord, PartRecord } from "./record.ts";

export interface CreateCall {
  owner: string;
  bodyHash: string;
  origin: string;
  body: JobRequest;
  /** The record's fixed fields, planned by the route (model, shape, chunk size...). */
  meta: Pick<JobRecord, "model" | "numSamples" | "sampleShape" | "dim" | "seed" | "output" | "image" | "method" | "steps" | "chunkChains"> & { webhook: string | null };
}

export type JobAnswer =
  | { ok: true; created?: boolean; record: JobRecord; parts?: PartRecord[] }
  | { ok: false; error: "not_found" | "idempotency_conflict"; message: string };

export const JOB_CALLS = { create: "/create", status: "/status", cancel: "/cancel", parts: "/parts" } as const;
export type JobCall = keyof typeof JOB_CALLS;

export const OWNER_HEADER = "x-job-owner";
