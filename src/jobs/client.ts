// The Worker's side of the jobs: the bindings, who owns a job, and calls to a job's Durable Object.
import { HTTPException } from "hono/http-exception";
import type { Env } from "../env.ts";
import { IdempotencyConflictError, JobsUnavailableError } from "../errors.ts";
import { JOB_CALLS, OWNER_HEADER, type JobAnswer, type JobCall } from "./protocol.ts";
import type { JobRecord, PartRecord } from "./record.ts";

export interface JobBindings {
  jobs: DurableObjectNamespace;
  results: R2Bucket;
}

/** The jobs' bindings, or 503 jobs_unavailable naming the missing ones. */
export const jobBindings = (env: Env | undefined): JobBindings => {
  const jobs = env?.JOBS, results = env?.JOB_RESULTS;
  if (jobs && results) return { jobs, results };
  const missing = [!jobs && "the JOBS Durable Object binding", !results && "the JOB_RESULTS R2 bucket binding"].filter(Boolean).join(" and ");
  throw new JobsUnavailableError(`jobs are not enabled on this deployment: it lacks ${missing} (wrangler.toml; docs/jobs.md); POST /v1/samples still serves`);
};

const hex = (bytes: ArrayBuffer): string => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, "0")).join("");

export const sha256Hex = async (text: string): Promise<string> => hex(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));

/** Who owns the jobs a request may see: SHA-256 of its bearer token (the token itself is never stored).
 * Requests without a token (a deployment without API_TOKEN) share the anonymous owner. */
export const ownerOf = (authorization: string | undefined): Promise<string> => {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  return sha256Hex(token === undefined ? "anonymous" : `bearer:${token}`);
};

/** JSON with object keys sorted at every level: equal bodies hash equal whatever their key order. */
export const canonicalJson = (v: unknown): string => {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(",")}]`;
  if (v && typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonicalJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v);
};

const notFound = (id: string) => new HTTPException(404, { message: `no job ${id.length > 80 ? `${id.slice(0, 79)}\u2026` : id} for this token` });

/** The object of job `id`; 404 when `id` is not one this namespace made. */
export const jobStub = (jobs: DurableObjectNamespace, id: string): DurableObjectStub => {
  let objectId: DurableObjectId;
  try {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new Error("not an id");
    objectId = jobs.idFromString(id);
  } catch {
    throw notFound(id);
  }
  return jobs.get(objectId);
};

/** One call to a job's object; not_found and idempotency conflicts become their HTTP errors. */
export const callJob = async (stub: DurableObjectStub, call: JobCall, owner: string, id: string, body?: unknown): Promise<{ record: JobRecord; created: boolean; parts: PartRecord[] }> => {
  const res = await stub.fetch(`https://job${JOB_CALLS[call]}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { [OWNER_HEADER]: owner, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json()) as JobAnswer;
  if (!answer.ok) {
    if (answer.error === "idempotency_conflict") throw new IdempotencyConflictError(answer.message);
    throw notFound(id);
  }
  return { record: answer.record, created: answer.created ?? false, parts: answer.parts ?? [] };
};
