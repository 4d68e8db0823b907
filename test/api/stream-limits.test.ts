// What a stream may cost: events coalesced to a bounded rate, previews bounded, a slow reader slowing
// the sampler instead of filling the Worker's memory, and the stream's cost counted in the CPU limit.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Miniflare } from "miniflare";
import { createApp } from "../../src/app.ts";
import { requestCpuMs, streamCpuMs, type RequestSize } from "../../src/api/limits.ts";
import { coalescedRounds, STREAM_EVENTS } from "../../src/api/round-events.ts";
import { Hono } from "hono";
import { sseResponse, type Send } from "../../src/api/sse.ts";
import type { RoundEvent } from "../../src/sampler/run.ts";
import { loadCoreModule } from "../../tools/core-module.ts";
import { readEvents, type SseEvent } from "../../tools/cli/sse.ts";
import { startWorker } from "../helpers/worker.ts";
import { postSamples, type SampleBody } from "./client.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const round = (n: number): RoundEvent => ({ round: n, committed: [n], acceptance: 0 });

describe("coalesced round events", () => {
  const recorder = () => {
    const sent: RoundEvent[] = [];
    const send: Send = async (_event, data) => void sent.push(data as RoundEvent);
    return { sent, send };
  };

  test("10,000 rounds over 2 s: the burst, then perSecond, and the last round", async () => {
    const { sent, send } = recorder();
    let clock = 0;
    const rounds = coalescedRounds(send, () => clock);
    for (let r = 1; r <= 10_000; r++) {
      clock = r * 0.2; // one round every 0.2 ms: 2 s in all
      await rounds.onRound(round(r));
    }
    await rounds.flush();
    const bound = STREAM_EVENTS.burst + 2 * STREAM_EVENTS.perSecond + 1;
    assert.ok(sent.length <= bound, `${sent.length} events for 10,000 rounds in 2 s (bound ${bound})`);
    assert.ok(sent.length >= STREAM_EVENTS.burst + 1);
    // In order, the first burst round by round, and the last event is the last round.
    assert.deepEqual(sent.slice(0, STREAM_EVENTS.burst).map((e) => e.round), Array.from({ length: STREAM_EVENTS.burst }, (_, i) => i + 1));
    sent.forEach((e, i) => i > 0 && assert.ok(e.round > sent[i - 1].round));
    assert.equal(sent.at(-1)!.round, 10_000);
  });

  test("slow rounds are all sent; flush sends nothing twice", async () => {
    const { sent, send } = recorder();
    let clock = 0;
    const rounds = coalescedRounds(send, () => clock);
    for (let r = 1; r <= 100; r++) {
      clock = r * 300; // slower than perSecond: every round finds a token
      await rounds.onRound(round(r));
    }
    await rounds.flush();
    assert.equal(sent.length, 100);
  });
});

describe("sse backpressure", () => {
  const serve = (produce: (send: Send, signal: AbortSignal) => Promise<void>): Promise<Response> =>
    Promise.resolve(new Hono().get("/", (c) => sseResponse(c, produce)).request("/"));
  const event = { pad: "x".repeat(1000) }; // about 1 KB encoded

  test("a reader that stops reading holds the producer after an event or two", async () => {
    let sent = 0;
    let finished = false;
    const res = await serve(async (send) => {
      for (let i = 0; i < 10_000; i++) {
        await send("round", { i, ...event });
        sent++;
      }
      finished = true;
    });
    const reader = res.body!.getReader();
    await reader.read();
    await sleep(100);
    // Without backpressure all 10,000 events (10 MB) would be queued by now.
    const bound = 4; // streamSSE's writer holds about one event in each of its two streams
    assert.ok(sent <= bound, `${sent} events queued for a reader that stopped (bound ${bound})`);
    assert.equal(finished, false);
    // Reading on lets the producer finish, and nothing was lost or reordered.
    let text = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    assert.equal(finished, true);
    const ids = [...text.matchAll(/"i":(\d+)/g)].map((m) => Number(m[1]));
    assert.deepEqual(ids, Array.from({ length: 9_999 }, (_, i) => i + 1));
  });

  test("a waiting send resolves when the client leaves, and the producer sees the abort", async () => {
    let waited = false;
    let aborted = false;
    const res = await serve(async (send, signal) => {
      // Bounded, so that a send that never waits cannot spin forever: it would end with no abort seen.
      for (let i = 0; i < 20_000 && !signal.aborted; i++) await send("round", event);
      waited = true;
      aborted = signal.aborted;
    });
    const reader = res.body!.getReader();
    await reader.read();
    await sleep(20);
    await reader.cancel();
    await sleep(20);
    assert.equal(waited, true);
    assert.equal(aborted, true);
  });
});

describe("stream through the app (Node): the sampler waits for the reader", () => {
  test("glyphs x 16, 200 sequential steps: a reader that stalls 2 s holds the run back", async () => {
    const app = createApp({ coreModule: loadCoreModule() });
    const body = { model: "glyphs", num_samples: 16, steps: 200, method: "sequential", seed: 3, stream: true };
    const res = await app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(res.status, 200);
    const reader = res.body!.getReader();
    await reader.read();
    // Unread, the run takes well under a second (before backpressure it did not wait for the reader).
    const stall = 2000;
    await sleep(stall);
    let text = "";
    const decoder = new TextDecoder();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    const result = JSON.parse(text.slice(text.indexOf("event: result\ndata: ") + 20).trim()) as SampleBody;
    // Each event carries a 4,096-value preview (about 80 KB); the stream holds an event or two: a later
    // event makes the sampler wait, so the run cannot end before the reader comes back.
    assert.ok(result.timing.total_ms >= stall - 50, `run took ${result.timing.total_ms} ms, the reader stalled ${stall} ms`);
  });
});

describe("stream through the bundle (workerd)", () => {
  let mf: Miniflare;
  before(() => {
    mf = startWorker();
  });
  after(() => mf.dispose());

  const collect = async (res: Response) => {
    const events: SseEvent[] = [];
    let bytes = 0;
    const counted = new Response(
      res.body!.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, c) {
            bytes += chunk.byteLength;
            c.enqueue(chunk);
          },
        }),
      ),
    );
    for await (const ev of readEvents(counted)) events.push(ev);
    return { events, bytes };
  };

  test("glyphs x 16, 1000 sequential steps: events bounded by rate, not one per round", async () => {
    const started = performance.now();
    const res = await postSamples(mf, { model: "glyphs", num_samples: 16, steps: 1000, method: "sequential", seed: 5, stream: true });
    assert.equal(res.status, 200);
    const { events, bytes } = await collect(res);
    const seconds = (performance.now() - started) / 1000;
    const rounds = events.filter((e) => e.event === "round").map((e) => e.data as RoundEvent);
    const result = events.at(-1)!;
    assert.equal(result.event, "result");
    const stats = (result.data as SampleBody).stats;
    assert.equal(stats.rounds, 1000);
    // Before coalescing: 1000 round events and 81 MB.
    const bound = STREAM_EVENTS.burst + Math.ceil(STREAM_EVENTS.perSecond * seconds) + 1;
    assert.ok(rounds.length <= bound, `${rounds.length} round events in ${seconds.toFixed(1)} s (bound ${bound})`);
    assert.equal(rounds.at(-1)!.round, 1000, "the last round is always sent");
    for (const r of rounds) assert.ok(r.x0!.flat().length <= STREAM_EVENTS.previewValues);
    assert.ok(bytes < (bound + 1) * 100_000, `${bytes} bytes streamed`);
  });
});

describe("the stream's cost in the CPU estimate", () => {
  const size = (s: Partial<RequestSize>): RequestSize => ({
    numSamples: 1, dim: 2, steps: 100, window: 0, frozenTarget: false, preview: false, components: 4,
    wireBytes: 0, output: "json", image: null, ...s,
  });

  test("a streamed request costs more than the same request answered whole, by streamCpuMs", () => {
    const plain = size({ steps: 100_000 });
    const streamed = size({ steps: 100_000, preview: true });
    assert.ok(Math.abs(requestCpuMs(streamed) - requestCpuMs(plain) - streamCpuMs(streamed)) < 1e-9);
    assert.ok(streamCpuMs(streamed) > 0.1, `ring-2d, 100,000 steps: ${streamCpuMs(streamed)} ms`);
  });

  test("POST: a 4,096-value model at 100,000 steps fits answered whole, streamed it is refused (413 cpu)", async () => {
    const app = createApp({ coreModule: loadCoreModule() });
    const model = { type: "gmm", means: [Array.from({ length: 4096 }, (_, i) => Math.sin(i))], std: 0.5 };
    const body = { model, num_samples: 1, steps: 100_000, method: "sequential", scheduler: { beta_schedule: "squaredcos_cap_v2", num_train_timesteps: 100_000 } };
    const post = (b: unknown) => app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(b) });
    const streamed = await post({ ...body, stream: true });
    assert.equal(streamed.status, 413);
    assert.match(((await streamed.json()) as { error: { message: string } }).error.message, /limit cpu/);
    // Answered whole, it passes the limits (and starts sampling: leave before it runs to the end).
    const ctrl = new AbortController();
    const whole = app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), signal: ctrl.signal });
    await sleep(50);
    ctrl.abort();
    assert.notEqual((await whole).status, 413);
  });

  test("a 4,096-value preview copied every round of 100,000 is refused; the same at 100 steps is cheap", () => {
    const big = size({ dim: 4096, steps: 100_000, preview: true });
    assert.ok(streamCpuMs(big) > 20_000, `${streamCpuMs(big)} ms`);
    assert.ok(streamCpuMs(size({ numSamples: 16, dim: 256, steps: 100, preview: true })) < 500);
  });
});
