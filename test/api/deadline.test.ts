// Every request has a total deadline (504 deadline_exceeded, in-band for a stream), and no provider
// call is made once the deadline passed or the client left.
import { after, before, beforeEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Miniflare } from "miniflare";
import { createApp } from "../../src/app.ts";
import { DEFAULT_DEADLINE_MS, deadlineOf, runSignal } from "../../src/api/deadline.ts";
import { DeadlineExceededError } from "../../src/errors.ts";
import { reservedBytes } from "../../src/api/admission.ts";
import { ANALYTIC_SCHEDULER } from "../../src/config/index.ts";
import { oipConfigOf, oipRemoteProvider } from "../../src/denoisers/oip/index.ts";
import { builtinModel } from "../../src/models/index.ts";
import { loadCoreModule } from "../../tools/core-module.ts";
import { readEvents, type SseEvent } from "../../tools/cli/sse.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";
import { startWorker } from "../helpers/worker.ts";
import { get, postSamples, type ErrorBody } from "./client.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const remoteEntry = (id: string, url: string, limits?: { deadline_ms: number }) => ({
  id,
  provider: "oip",
  shape: [2],
  scheduler: ANALYTIC_SCHEDULER,
  settings: { base_url: url, model_name: "ring", inputs: { sample: "sample", timestep: "timestep" }, output: "model_output", timeout_ms: 5_000 },
  ...(limits ? { limits } : {}),
});

// Sequential ring-2d over 100,000 steps: a few seconds of CPU in the Worker, far past a 300 ms deadline.
const LONG_SCHEDULER = { beta_schedule: "squaredcos_cap_v2", num_train_timesteps: 100_000 };

describe("deadline of a request (bundle under workerd, reference provider)", () => {
  let p: Provider;
  let mf: Miniflare;
  before(async () => {
    p = await startProvider({ models: [{ name: "ring", mixture: builtinModel("ring-2d")!, scheduler: { ...ANALYTIC_SCHEDULER } }] });
    const MODELS = JSON.stringify([
      remoteEntry("ring-slow", p.url, { deadline_ms: 1_000 }),
      remoteEntry("ring-remote", p.url),
      { id: "ring-short", provider: "embedded", mixture: "ring-2d", limits: { deadline_ms: 300 } },
    ]);
    mf = startWorker({ bindings: { MODELS } });
  });
  after(async () => {
    await mf?.dispose();
    await p?.close();
  });
  beforeEach(() => {
    // Every infer call answers after 400 ms: 20 sequential steps would take 8 s.
    p.setFaults(() => ({ kind: "slow", ms: 400 }));
    p.resetStats();
  });

  const request = { model: "ring-slow", num_samples: 2, steps: 20, method: "sequential", seed: 1 };

  test("a slow provider: 504 deadline_exceeded naming the deadline, within it plus a margin", async () => {
    const started = performance.now();
    const res = await postSamples(mf, request);
    const ms = performance.now() - started;
    assert.equal(res.status, 504);
    const body = (await res.json()) as ErrorBody;
    assert.equal(body.error.code, "deadline_exceeded");
    assert.match(body.error.message, /1000 ms/);
    assert.match(body.error.message, /limits\.deadline_ms of model "ring-slow"/);
    // The run without a deadline takes 20 calls x 400 ms = 8 s; the bound leaves room for a loaded machine.
    assert.ok(ms >= 950 && ms < 4_000, `answered after ${ms.toFixed(0)} ms for a 1000 ms deadline`);
    // The call in flight at the deadline was abandoned, and none followed it.
    const calls = p.stats().inferCalls;
    assert.ok(calls >= 2 && calls <= 4, `${calls} calls in 1 s at 400 ms each`);
    await sleep(1_000);
    assert.equal(p.stats().inferCalls, calls);
  });

  test("streamed: event: error with the same body, within the deadline plus a margin", async () => {
    const started = performance.now();
    const res = await postSamples(mf, { ...request, stream: true });
    assert.equal(res.status, 200);
    const events: SseEvent[] = [];
    for await (const ev of readEvents(res)) events.push(ev);
    const ms = performance.now() - started;
    const last = events.at(-1)!;
    assert.equal(last.event, "error");
    assert.equal((last.data as ErrorBody).error.code, "deadline_exceeded");
    assert.ok(ms < 4_000, `stream ended after ${ms.toFixed(0)} ms for a 1000 ms deadline`);
    assert.ok(events.slice(0, -1).every((e) => e.event === "round"));
  });

  test("streamed: a client that cancels the body stops the run: at most two provider calls after it", async () => {
    const res = await postSamples(mf, { ...request, model: "ring-remote", stream: true });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    assert.match(new TextDecoder().decode((await reader.read()).value), /event: round/);
    await reader.cancel();
    const left = p.stats().inferCalls;
    // workerd sees the disconnect only when a write to the client fails, and the first write after it may
    // still succeed: the rounds of two more events may call (as with the hand-written stream before
    // streamSSE). Then no more: 20 calls at 400 ms would take 8 s.
    await sleep(1_500);
    const calls = p.stats().inferCalls;
    assert.ok(calls <= left + 2, `${calls - left} calls after the client left`);
    await sleep(1_000);
    assert.equal(p.stats().inferCalls, calls, "calls went on after the client left");
  });

  test("an in-Worker model is held to its deadline too (the loop yields to the timer)", async () => {
    const started = performance.now();
    const res = await postSamples(mf, { model: "ring-short", num_samples: 1, steps: 100_000, method: "sequential", scheduler: LONG_SCHEDULER });
    const ms = performance.now() - started;
    assert.equal(res.status, 504);
    assert.match(((await res.json()) as ErrorBody).error.message, /300 ms/);
    // Without the deadline this run takes about 2 s on an idle 2-core machine.
    assert.ok(ms < 1_500, `answered after ${ms.toFixed(0)} ms for a 300 ms deadline`);
  });

  test("a model without limits gets the remote default, and a fast run is not cut short", async () => {
    p.setFaults(() => undefined);
    const res = await postSamples(mf, { ...request, model: "ring-remote" });
    assert.equal(res.status, 200);
  });

  test("a client that closes a stream: the provider gets no further calls", async () => {
    p.setFaults(() => ({ kind: "slow", ms: 100 }));
    const res = await postSamples(mf, { ...request, model: "ring-remote", steps: 200, stream: true });
    const reader = res.body!.getReader();
    await reader.read();
    await sleep(300);
    await reader.cancel();
    await sleep(150); // the call in flight when the client left may still be counted
    const calls = p.stats().inferCalls;
    await sleep(600);
    assert.equal(p.stats().inferCalls, calls, "calls went on after the client left");
    assert.equal((await get(mf, "/v1/health")).status, 200);
  });
});

describe("a client that leaves a non-streamed request (request.signal, as workerd aborts it)", () => {
  let p: Provider;
  before(async () => {
    p = await startProvider({ latencyMs: 100, models: [{ name: "ring", mixture: builtinModel("ring-2d")!, scheduler: { ...ANALYTIC_SCHEDULER } }] });
  });
  after(() => p?.close());

  test("no provider call after the abort, and the run ends", async () => {
    const app = createApp({ coreModule: loadCoreModule(), providers: { oip: oipRemoteProvider() }, settingsChecks: { oip: oipConfigOf } });
    const env = { MODELS: JSON.stringify([remoteEntry("ring-remote", p.url)]) };
    const client = new AbortController();
    const body = JSON.stringify({ model: "ring-remote", num_samples: 2, steps: 100, method: "sequential" });
    const pending = app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body, signal: client.signal }, env);
    await sleep(450);
    client.abort();
    const res = await pending;
    assert.notEqual(res.status, 200);
    const calls = p.stats().inferCalls;
    assert.ok(calls >= 2 && calls <= 6, `${calls} calls before the abort`);
    await sleep(500);
    assert.equal(p.stats().inferCalls, calls, "calls went on after the client left");
  });
});

describe("a client that leaves an in-Worker run (request.signal)", () => {
  test("the run stops within a few ms of the abort, not at its end", async () => {
    const app = createApp({ coreModule: loadCoreModule() });
    const client = new AbortController();
    const body = JSON.stringify({ model: "ring-2d", num_samples: 1, steps: 100_000, method: "sequential", scheduler: LONG_SCHEDULER });
    const started = performance.now();
    const pending = app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body, signal: client.signal });
    // A timer can fire only if the round loop yields; before it did not, and the abort came after the run.
    setTimeout(() => client.abort(), 100);
    const res = await pending;
    const ms = performance.now() - started;
    assert.notEqual(res.status, 200);
    assert.ok(ms < 600, `answered ${ms.toFixed(0)} ms after the start, the client left at 100 ms`);
  });
});

describe("a client that stays connected but stops reading a stream (found in review)", () => {
  test("the deadline still ends the run: its memory reservation is released while the body lies unread", async () => {
    const app = createApp({ coreModule: loadCoreModule() });
    const MODELS = JSON.stringify([{ id: "ring-short", provider: "embedded", mixture: "ring-2d", limits: { deadline_ms: 300 } }]);
    const body = JSON.stringify({ model: "ring-short", num_samples: 1, steps: 100_000, method: "sequential", scheduler: LONG_SCHEDULER, stream: true });
    const res = await app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body }, { MODELS });
    assert.equal(res.status, 200);
    assert.ok(reservedBytes() > 0, "the stream holds its reservation while it runs");
    // Before: the sampler waited on a write the reader never took, past the deadline, for as long as the client stayed.
    await sleep(2_000);
    assert.equal(reservedBytes(), 0, "released after the deadline, with the body still unread");
    await res.body?.cancel();
  });
});

describe("deadline parts", () => {
  test("defaults: 30 s in the Worker, 60 s remote, a MODELS entry's limits.deadline_ms first", () => {
    const base = { id: "m", shape: [2], dim: 2, scheduler: {}, defaults: { steps: 1, method: "sequential", draft: {} } } as never as Parameters<typeof deadlineOf>[0];
    assert.equal(deadlineOf({ ...base, provider: "embedded" }), DEFAULT_DEADLINE_MS.embedded);
    assert.equal(deadlineOf({ ...base, provider: "oip" }), DEFAULT_DEADLINE_MS.remote);
    assert.equal(deadlineOf({ ...base, provider: "oip", config: { deadlineMs: 1234 } as never }), 1234);
  });

  test("runSignal: aborts with DeadlineExceededError after the deadline, with the client's reason before it", async () => {
    const late = runSignal(20, "m");
    await sleep(40);
    assert.ok(late.signal.reason instanceof DeadlineExceededError);
    const client = new AbortController();
    const gone = runSignal(1_000, "m", client.signal);
    client.abort("bye");
    assert.equal(gone.signal.reason, "bye");
    gone.clear();
    const cleared = runSignal(20, "m");
    cleared.clear();
    await sleep(40);
    assert.equal(cleared.signal.aborted, false);
  });

  test("MODELS: limits.deadline_ms out of range makes the entry unavailable (503)", async () => {
    const app = createApp({ coreModule: loadCoreModule() });
    const env = { MODELS: JSON.stringify([{ id: "tiny", provider: "embedded", mixture: "ring-2d", limits: { deadline_ms: 10 } }]) };
    const res = await app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "tiny" }) }, env);
    assert.equal(res.status, 503);
    assert.match(((await res.json()) as ErrorBody).error.message, /limits\.deadline_ms/);
  });
});
