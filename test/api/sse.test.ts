import { test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { sseResponse, type Send } from "../../src/api/sse.ts";
import { LimitError } from "../../src/errors.ts";
import { readEvents } from "../../tools/cli/sse.ts";

/** The stream `produce` answers, through a Hono context as the app's route gives it. */
const serve = (produce: (send: Send, signal: AbortSignal) => Promise<void>, init?: RequestInit): Promise<Response> =>
  Promise.resolve(new Hono().get("/", (c) => sseResponse(c, produce)).request("/", init));

const collect = async (res: Response) => {
  const out = [];
  for await (const ev of readEvents(res)) out.push(ev);
  return out;
};

test("sse: events arrive in order with the event-stream content type", async () => {
  const res = await serve(async (send) => {
    await send("round", { round: 1 });
    await new Promise((r) => setTimeout(r, 1));
    await send("result", { ok: true });
  });
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.deepEqual(await collect(res), [
    { event: "round", data: { round: 1 } },
    { event: "result", data: { ok: true } },
  ]);
});

test("sse: an error after the stream started is sent in-band with the API's error body", async () => {
  const res = await serve(async (send) => {
    await send("round", { round: 1 });
    throw new LimitError("steps", "too much");
  });
  const events = await collect(res);
  assert.deepEqual(events.at(-1), { event: "error", data: { error: { code: "limit_exceeded", message: "too much", field: "steps" } } });
});

test("sse: a client that cancels the body aborts the producer's signal", async () => {
  let seen: AbortSignal | undefined;
  let stopped!: () => void;
  const done = new Promise<void>((r) => (stopped = r));
  const res = await serve(async (send, signal) => {
    seen = signal;
    for (let i = 0; !signal.aborted; i++) {
      await send("round", { round: i });
      await new Promise((r) => setTimeout(r, 1));
    }
    stopped();
  });
  const reader = res.body!.getReader();
  await reader.read();
  await reader.cancel();
  await done;
  assert.equal(seen?.aborted, true);
});

test("sse: the request's own abort signal also stops the producer", async () => {
  const request = new AbortController();
  let seen: AbortSignal | undefined;
  let started!: () => void;
  const running = new Promise<void>((r) => (started = r));
  await serve(async (_send, signal) => {
    seen = signal;
    started();
    await new Promise((r) => signal.addEventListener("abort", r));
  }, { signal: request.signal });
  await running;
  request.abort();
  assert.equal(seen?.aborted, true);
});
