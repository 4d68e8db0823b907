// Server-Sent Events for a sampling run, on Hono's streamSSE: `produce` sends events until it returns;
// the signal it gets aborts when the client goes away (body cancelled or request aborted), which stops
// the sampler. `send` resolves once the client has pulled the previous events (streamSSE's writer
// waits on its stream's backpressure), so a slow reader slows the sampler instead of growing the
// Worker's memory.
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { errorAnswer } from "./errors.ts";

const ERROR_EVENT_GRACE_MS = 1_000;
const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Sends one event; resolves when the stream has room again or the client is gone. Await it: an event
 * still being written when `produce` returns is lost, as the stream closes. */
export type Send = (event: string, data: unknown) => Promise<void>;

/** `headers` add to the event-stream ones (X-Seed: a stream's answer carries its seed up front, as every format does). */
export const sseResponse = (c: Context, produce: (send: Send, signal: AbortSignal) => Promise<void>, headers: Record<string, string> = {}): Response => {
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  c.header("x-accel-buffering", "no");
  return streamSSE(c, async function streamEvents(stream) {
    const abort = new AbortController();
    const stop = (reason: unknown) => {
      abort.abort(reason);
      stream.abort(); // settles a send waiting for room
    };
    stream.onAbort(() => abort.abort(new DOMException("client disconnected", "AbortError")));
    // A client that left while the request was planned must stop the run too, not only one that leaves later.
    const request = c.req.raw.signal;
    if (request.aborted) stop(request.reason);
    else request.addEventListener("abort", () => stop(request.reason), { once: true });
    const send: Send = (event, data) => (abort.signal.aborted ? Promise.resolve() : stream.writeSSE({ event, data: JSON.stringify(data) }));
    try {
      await produce(send, abort.signal);
    } catch (err) {
      // Errors after the 200 went out are reported in-band, with the same body app.onError would give
      // (caught here: streamSSE's own onError path would add an event whose data is the bare message).
      if (abort.signal.aborted) return;
      // A reader that stopped reading gets a short grace for the error event, then the stream is cut.
      const sent = await Promise.race([send("error", errorAnswer(err).body).then(() => true), delay(ERROR_EVENT_GRACE_MS).then(() => false)]);
      if (!sent) stream.abort();
    }
  });
};
