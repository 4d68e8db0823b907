// One Durable Object per job. It keeps the job's record in its storage and runs the job in chunks, one
// chunk per alarm: the chunk's samples go to R2 as a part, then the part's entry and the progress are
// written in one storage put (atomic), then the next alarm is set. An alarm survives a restart of the
// runtime, so a job resumes where its last checkpoint left it; a chunk cut off before its checkpoint is
// run again, over the same chains, into the same part key, and with the same bytes.
// No `cloudflare:workers` import: a plain class with fetch() and alarm() (the Worker calls it over fetch,
// src/jobs/protocol.ts), so that Node can load this module too.
import type { AppDeps } from "../deps.ts";
import { loadModels } from "../config/index.ts";
import type { Env } from "../env.ts";
import { DeadlineExceededError, isDomainError, OverloadedError } from "../errors.ts";
import type { JobRequest } from "../api/schemas/jobs.ts";
import type { SampleRun } from "../sampler/run.ts";
import { planChunk, runChunk } from "./chunk.ts";
import { JOB_LIMITS, JOB_RETRY, retryDelayMs } from "./limits.ts";
import { JOB_CALLS, OWNER_HEADER, type CreateCall, type JobAnswer } from "./protocol.ts";
import {
  addTotals,
  chunkTotals,
  isFinished,
  JOB_KEY,
  jobPrefix,
  jobView,
  PART_PREFIX,
  partEntryKey,
  partKey,
  requestKey,
  type JobError,
  type JobRecord,
  type PartRecord,
} from "./record.ts";
import { deliverWebhook } from "./webhook.ts";

// Errors no retry can fix: the body no longer plans under this deployment's configuration.
const PERMANENT = new Set(["invalid_request", "limit_exceeded"]);

class Cancelled extends Error {
  override readonly name = "Cancelled";
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The samples as float32 little-endian bytes (a copy-free view on little-endian hosts, which workerd's are). */
const partBytes = (samples: Float32Array): Uint8Array => {
  if (LITTLE_ENDIAN) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const out = new Uint8Array(samples.byteLength);
  const view = new DataView(out.buffer);
  samples.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
};

const errorOf = (e: unknown): JobError => {
  if (isDomainError(e)) return { code: e.code, message: e.message };
  console.error("job chunk failed", e);
  return { code: "internal_error", message: "internal error" };
};

export class JobDurableObject {
  private readonly storage: DurableObjectStorage;
  private readonly env: Env;
  private readonly deps: AppDeps;
  private readonly state: DurableObjectState;
  /** A chunk or a webhook is being worked on by this instance (alarms never overlap it). */
  private busy = false;
  /** Aborts the running chunk (a cancel). */
  private running: AbortController | null = null;
  private body: JobRequest | null = null;

  constructor(state: DurableObjectState, env: Env, deps: AppDeps) {
    this.state = state;
    this.storage = state.storage;
    this.env = env;
    this.deps = deps;
  }

  private get bucket(): R2Bucket {
    const b = this.env.JOB_RESULTS;
    if (!b) throw new Error("the JOB_RESULTS R2 binding is missing");
    return b;
  }

  /** JOBS_RETRY_BASE_MS when set (a var; tests shorten the waits), else the policy's base. */
  private retryBaseMs(kind: "chunk" | "webhook"): number {
    const raw = this.env.JOBS_RETRY_BASE_MS;
    const v = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
    return Number.isFinite(v) && v >= 0 ? v : JOB_RETRY[kind].baseMs;
  }

  async fetch(request: Request): Promise<Response> {
    const path = new URL(request.url).pathname;
    const owner = request.headers.get(OWNER_HEADER) ?? "";
    if (path === JOB_CALLS.create && request.method === "POST") return Response.json(await this.create((await request.json()) as CreateCall));
    const rec = await this.storage.get<JobRecord>(JOB_KEY);
    if (!rec || rec.owner !== owner) return Response.json({ ok: false, error: "not_found", message: "no such job" } satisfies JobAnswer);
    if (path === JOB_CALLS.status) return Response.json({ ok: true, record: await this.heal(rec) } satisfies JobAnswer);
    if (path === JOB_CALLS.cancel) return Response.json({ ok: true, record: await this.cancel(rec) } satisfies JobAnswer);
    if (path === JOB_CALLS.parts) return Response.json({ ok: true, record: rec, parts: await this.parts() } satisfies JobAnswer);
    return new Response("no such call", { status: 404 });
  }

  /** Creates the job, or answers the existing one when the same Idempotency-Key and body come again. */
  private create(call: CreateCall): Promise<JobAnswer> {
    // Serialised: two submissions with one key must not both see an empty object and both create.
    return this.state.blockConcurrencyWhile(async () => {
      const existing = await this.storage.get<JobRecord>(JOB_KEY);
      if (existing) {
        if (existing.owner !== call.owner) return { ok: false, error: "not_found", message: "no such job" };
        if (existing.bodyHash !== call.bodyHash) {
          return { ok: false, error: "idempotency_conflict", message: `this Idempotency-Key was used for job ${existing.id} with another body; send a new key for a new job` };
        }
        return { ok: true, created: false, record: existing };
      }
      const id = this.state.id.toString();
      const { webhook, ...meta } = call.meta;
      const now = Date.now();
      const rec: JobRecord = {
        id,
        owner: call.owner,
        bodyHash: call.bodyHash,
        origin: call.origin,
        createdAt: now,
        updatedAt: now,
        startedAt: null,
        finishedAt: null,
        status: "queued",
        ...meta,
        chainsDone: 0,
        chunksDone: 0,
        totals: { rounds: 0, targetRows: 0, verified: 0, accepted: 0 },
        attempt: 0,
        nextAttemptAt: null,
        lastError: null,
        error: null,
        webhook: webhook ? { url: webhook, state: "waiting", attempts: 0, lastError: null, nextAt: null } : null,
      };
      await this.bucket.put(requestKey(id), JSON.stringify({ ...call.body, seed: rec.seed }), { httpMetadata: { contentType: "application/json" } });
      await this.storage.put(JOB_KEY, rec);
      await this.storage.setAlarm(now);
      return { ok: true, created: true, record: rec };
    });
  }

  /** A job with work left and no alarm set (none should be: an alarm is set with every checkpoint) gets one. */
  private async heal(rec: JobRecord): Promise<JobRecord> {
    const work = !isFinished(rec.status) || rec.webhook?.state === "pending";
    if (work && !this.busy && (await this.storage.getAlarm()) === null) await this.storage.setAlarm(Math.max(Date.now(), rec.nextAttemptAt ?? 0, rec.webhook?.nextAt ?? 0));
    return rec;
  }

  private async cancel(rec: JobRecord): Promise<JobRecord> {
    if (isFinished(rec.status)) return rec;
    const now = Date.now();
    const cancelled: JobRecord = { ...rec, status: "cancelled", updatedAt: now, finishedAt: now, nextAttemptAt: null, webhook: rec.webhook && { ...rec.webhook, state: "pending", nextAt: now } };
    this.running?.abort(new Cancelled("the job was cancelled"));
    await this.storage.put(JOB_KEY, cancelled);
    // The pending chunk's alarm is dropped; a webhook's is set (every finished job calls its webhook).
    // (A running chunk's alarm is left alone: it sees the cancel when the chunk ends and sets no other.)
    if (cancelled.webhook) await this.storage.setAlarm(now);
    else if (!this.busy) await this.storage.deleteAlarm();
    // The samples of a cancelled job are not kept.
    const parts = await this.parts();
    if (parts.length) {
      await this.bucket.delete(parts.map((p) => p.key));
      await this.storage.delete(parts.map((p) => partEntryKey(p.start)));
    }
    return cancelled;
  }

  private async parts(): Promise<PartRecord[]> {
    return [...(await this.storage.list<PartRecord>({ prefix: PART_PREFIX })).values()];
  }

  async alarm(): Promise<void> {
    if (this.busy) {
      // Set while a chunk runs (a cancel's webhook): look again shortly; the chunk sets its own next alarm.
      await this.storage.setAlarm(Date.now() + 500);
      return;
    }
    this.busy = true;
    try {
      const rec = await this.storage.get<JobRecord>(JOB_KEY);
      if (!rec) return;
      if (!isFinished(rec.status)) await this.advance(rec);
      else if (rec.webhook?.state === "pending") await this.notify(rec);
    } finally {
      this.busy = false;
      this.running = null;
    }
  }

  private async loadBody(rec: JobRecord): Promise<JobRequest> {
    if (!this.body) {
      const obj = await this.bucket.get(requestKey(rec.id));
      if (!obj) throw new Error(`the job's body ${requestKey(rec.id)} is missing from R2`);
      this.body = (await obj.json()) as JobRequest;
    }
    return this.body;
  }

  /** Runs the next chunk and checkpoints it, or schedules its retry. */
  private async advance(rec: JobRecord): Promise<void> {
    const now = Date.now();
    if (rec.nextAttemptAt !== null && now < rec.nextAttemptAt) {
      await this.storage.setAlarm(rec.nextAttemptAt);
      return;
    }
    const start = rec.chainsDone;
    const count = Math.min(rec.chunkChains, rec.numSamples - start);
    await this.storage.put(JOB_KEY, { ...rec, status: "running", startedAt: rec.startedAt ?? now, updatedAt: now, nextAttemptAt: null } satisfies JobRecord);
    const abort = new AbortController();
    this.running = abort;
    let run: SampleRun;
    const key = partKey(rec.id, start, count);
    try {
      const body = await this.loadBody(rec);
      const plan = planChunk(body, loadModels(this.env.MODELS, this.deps.settingsChecks), rec.seed, start, count);
      run = await runChunk(plan, { coreModule: this.deps.coreModule, providers: this.deps.providers ?? {}, env: this.env }, abort.signal);
      await this.bucket.put(key, partBytes(run.samples), { customMetadata: { first_chain: String(start), chains: String(count), seed: String(rec.seed) } });
    } catch (e) {
      return this.failed(e, start);
    } finally {
      this.running = null;
    }
    // A cancel (or anything else) may have changed the job while the chunk ran: checkpoint only onto
    // the state the chunk started from.
    const fresh = await this.storage.get<JobRecord>(JOB_KEY);
    if (!fresh || fresh.status !== "running" || fresh.chainsDone !== start) {
      if (fresh?.status === "cancelled") await this.bucket.delete(key);
      return;
    }
    const done = start + count;
    const finished = done >= fresh.numSamples;
    const at = Date.now();
    const next: JobRecord = {
      ...fresh,
      updatedAt: at,
      chainsDone: done,
      chunksDone: fresh.chunksDone + 1,
      totals: addTotals(fresh.totals, chunkTotals(run)),
      attempt: 0,
      lastError: null,
      ...(finished ? { status: "succeeded" as const, finishedAt: at, webhook: fresh.webhook && { ...fresh.webhook, state: "pending" as const, nextAt: at } } : {}),
    };
    const part: PartRecord = { key, start, count, bytes: run.samples.byteLength, rounds: run.stats.rounds };
    // The checkpoint: the part's entry and the progress it makes, in one atomic put.
    await this.storage.put({ [JOB_KEY]: next, [partEntryKey(start)]: part });
    if (finished) await this.removeStrayParts(next.id);
    if (!finished || next.webhook) await this.storage.setAlarm(at);
  }

  /** A chunk failed: retry it with backoff, or fail the job with the reason once retries are spent. */
  private async failed(e: unknown, start: number): Promise<void> {
    const fresh = await this.storage.get<JobRecord>(JOB_KEY);
    if (!fresh || fresh.status !== "running" || fresh.chainsDone !== start || e instanceof Cancelled) return;
    const now = Date.now();
    if (e instanceof OverloadedError) {
      // The isolate is busy with other work: not the chunk's fault, no attempt spent.
      const at = now + e.retryAfterS * 1000;
      await this.storage.put(JOB_KEY, { ...fresh, updatedAt: now, nextAttemptAt: at, lastError: errorOf(e) } satisfies JobRecord);
      await this.storage.setAlarm(at);
      return;
    }
    const error = errorOf(e);
    const half = Math.ceil(fresh.chunkChains / 2);
    const partsIfHalved = fresh.chunksDone + Math.ceil((fresh.numSamples - fresh.chainsDone) / half);
    if (e instanceof DeadlineExceededError && fresh.chunkChains > 1 && partsIfHalved <= JOB_LIMITS.maxParts) {
      // Too many chains for one invocation's deadline: smaller chunks from here on, no attempt spent.
      await this.storage.put(JOB_KEY, { ...fresh, updatedAt: now, chunkChains: half, lastError: error } satisfies JobRecord);
      await this.storage.setAlarm(now);
      return;
    }
    const attempt = fresh.attempt + 1;
    const count = Math.min(fresh.chunkChains, fresh.numSamples - start);
    if (PERMANENT.has(error.code) || attempt > JOB_RETRY.chunk.maxRetries) {
      const tries = attempt === 1 ? "" : ` after ${attempt} attempts`;
      const failedRec: JobRecord = {
        ...fresh,
        status: "failed",
        updatedAt: now,
        finishedAt: now,
        attempt,
        lastError: error,
        error: { code: error.code, message: `the chunk of chains [${start}, ${start + count}) failed${tries}: ${error.message}` },
        webhook: fresh.webhook && { ...fresh.webhook, state: "pending", nextAt: now },
      };
      await this.storage.put(JOB_KEY, failedRec);
      if (failedRec.webhook) await this.storage.setAlarm(now);
      return;
    }
    const { chunk } = JOB_RETRY;
    const at = now + retryDelayMs(attempt, this.retryBaseMs("chunk"), chunk.maxMs);
    await this.storage.put(JOB_KEY, { ...fresh, updatedAt: now, attempt, lastError: error, nextAttemptAt: at } satisfies JobRecord);
    await this.storage.setAlarm(at);
  }

  /** R2 objects under the job's parts/ that no part entry names: chunks cut off before their checkpoint
   * and then run again with another size (after a deadline). */
  private async removeStrayParts(id: string): Promise<void> {
    const named = new Set((await this.parts()).map((p) => p.key));
    let cursor: string | undefined;
    do {
      const page = await this.bucket.list({ prefix: `${jobPrefix(id)}parts/`, cursor });
      const stray = page.objects.map((o) => o.key).filter((k) => !named.has(k));
      if (stray.length) await this.bucket.delete(stray);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
  }

  /** Sends the webhook once; on failure schedules the next attempt, or gives up after the last. */
  private async notify(rec: JobRecord): Promise<void> {
    const hook = rec.webhook!;
    const now = Date.now();
    if (hook.nextAt !== null && now < hook.nextAt) {
      await this.storage.setAlarm(hook.nextAt);
      return;
    }
    const policy = JOB_RETRY.webhook;
    const secret = typeof this.env.WEBHOOK_SECRET === "string" ? this.env.WEBHOOK_SECRET : "";
    const body = JSON.stringify({ event: `job.${rec.status}`, job: jobView(rec, rec.origin) });
    const sent = secret
      ? await deliverWebhook(hook.url, `job.${rec.status}`, body, secret, policy.timeoutMs)
      : { ok: false, error: "WEBHOOK_SECRET is not set: the webhook cannot be signed" };
    const attempts = hook.attempts + 1;
    const fresh = (await this.storage.get<JobRecord>(JOB_KEY)) ?? rec;
    const at = Date.now();
    const last = sent.ok || attempts >= policy.maxAttempts || !secret;
    const nextAt = last ? null : at + retryDelayMs(attempts, this.retryBaseMs("webhook"), policy.maxMs, policy.factor);
    const state = sent.ok ? "delivered" : last ? "failed" : "pending";
    await this.storage.put(JOB_KEY, { ...fresh, updatedAt: at, webhook: { ...hook, attempts, state, lastError: sent.ok ? null : (sent.error ?? null), nextAt } } satisfies JobRecord);
    if (nextAt !== null) await this.storage.setAlarm(nextAt);
  }
}
