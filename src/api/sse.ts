// Server-Sent Events for a sampling run: `produce` sends events until it returns; the signal it gets
// aborts when the client goes away (body cancelled or request aborted), which stops the sampler.
import { errorAnswer } from "./errors.ts";

export type Send = (event: string, data: unknown) => void;

export const sseResponse = (produce: (send: Send, signal: AbortSignal) => Promise<void>, requestSignal?: AbortSignal): Response => {
  const abort = new AbortController();
  const stop = (reason: unknown) => abort.abort(reason);
  // A client that left while the request was planned must stop the run too, not only one that leaves later.
  if (requestSignal?.aborted) stop(requestSignal.reason);
  else requestSignal?.addEventListener("abort", () => stop(requestSignal.reason), { once: true });
  const encoder = new TextEncoder();
  let out!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      out = controller;
    },
    cancel(reason) {
      stop(reason ?? new DOMException("client disconnected", "AbortError"));
    },
  });
  const send: Send = (event, data) => {
    if (!abort.signal.aborted) out.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
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
    send("error", errorAnswer(err).body);
    finish();
  });
  return new Response(body, {
    headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", "x-accel-buffering": "no" },
  });
};
