// The CLI's event-stream reader (tools/cli/sse.ts) on what servers and proxies actually send.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readEvents, type SseEvent } from "../../tools/cli/sse.ts";

/** A Response whose body arrives in the given chunks (cuts may fall inside a line ending). */
const chunked = (...chunks: string[]) => {
  const encoder = new TextEncoder();
  return new Response(
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const s of chunks) c.enqueue(encoder.encode(s));
        c.close();
      },
    }),
  );
};

const collect = async (res: Response) => {
  const out: SseEvent[] = [];
  for await (const ev of readEvents(res)) out.push(ev);
  return out;
};

const expected = [
  { event: "round", data: { round: 1 } },
  { event: "result", data: { ok: true } },
];

test("cli sse: CRLF line endings (a proxy's rewrite), cut between CR and LF", async () => {
  const text = 'event: round\r\ndata: {"round":1}\r\n\r\nevent: result\r\ndata: {"ok":true}\r\n\r\n';
  const cut = text.indexOf("\r\n\r\n") + 1;
  assert.deepEqual(await collect(chunked(text.slice(0, cut), text.slice(cut))), expected);
});

test("cli sse: lone CR line endings", async () => {
  assert.deepEqual(await collect(chunked('event: round\rdata: {"round":1}\r\revent: result\rdata: {"ok":true}\r\r')), expected);
});

test("cli sse: comments, multi-line data, no event type (message), and a final event cut off", async () => {
  const events = await collect(chunked(': keep-alive\n\ndata: {"a":\ndata: 1}\n\nevent: round\ndata: {"round":1}\n\nevent: result\ndata: {"trunc'));
  assert.deepEqual(events, [
    { event: "message", data: { a: 1 } },
    { event: "round", data: { round: 1 } },
  ]);
});
