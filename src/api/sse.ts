// Server-Sent Events for a sampling run: `produce` sends events until it returns; the signal it gets
// aborts when the client goes away (body cancelled or request aborted), which stops the sampler.
// The body is pulled by the client: at most STREAM_HIGH_WATER_BYTES wait in the Worker before `send`
// makes the producer wait, so a slow reader slows the sampler instead of growing the Worker's memory.
import { errorAnswer } from "./errors.ts";

/** Queues one event; resolves when the queue has room again (at once while it has) or the client is gone. */
export type Send = (event: string, data: unknown) => Promise<void>;

/** Encoded bytes the stream holds for the client before producers wait. */
export const STREAM_HIGH_WATER_BYTES = 64 * 1024;

const ROOM = Promise.resolve();

/** `headers` add to the event-stream ones (X-Seed: a stream's answer carries its seed up front, as every format does). */
export const sseResponse = (produce: (send: Send, signal: AbortSignal) => Promise<void>, requestSignal?: AbortSignal, headers: Record<string, string> = {}): Response => {
  const abort = new AbortController();
  let waiting: (() => void)[] = [];
  // Wakes every waiting send: the client read below the high-water mark, or left.
  const wake = () => {
    const woken = waiting;
    waiting = [];
    for (const w of woken) w();
  };
  const stop = (reason: unknown) => {
    abort.abort(reason);
    wake();
  };
  // A client that left while the request was planned must stop the run too, not only one that leaves later.
  if (requestSignal?.aborted) stop(requestSignal.reason);
  else requestSignal?.addEventListener("abort", () => stop(requestSignal.reason), { once: true });
  const encoder = new TextEncoder();
  let out!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        out = controller;
      },
      // Called whenever the queue is below the high-water mark after a read.
      pull() {
        wake();
      },
      cancel(reason) {
        stop(reason ?? new DOMException("client disconnected", "AbortError"));
      },
    },
    { highWaterMark: STREAM_HIGH_WATER_BYTES, size: (chunk) => chunk.byteLength },
  );
  const send: Send = (event, data) => {
    if (abort.signal.aborted) return ROOM;
    out.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    if ((out.desiredSize ?? 0) > 0) return ROOM;
    return new Promise<void>((resolve) => waiting.push(resolve));
  };
  const finish = () => {
    try {
      out.close();
    } catch {
      // already cancelled by the client
    }
  };
  // Errors after the 200 went out are reported in-band, with the same body app.onError would give.
  produce(send, abort.signal).then(finish, (err: unknown) => {
    if (abort.signal.aborted) return;
    void send("error", errorAnswer(err).body);
    finish();
  });
  return new Response(body, {
    headers: { ...headers, "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
  });
};
