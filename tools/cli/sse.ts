// The CLI's Server-Sent Events reader: yields {event, data} with data parsed as JSON. Parsing (CRLF, CR
// or LF line ends, multi-line data, comments, a BOM) is eventsource-parser's, as in clients/typescript.

import { EventSourceParserStream } from "eventsource-parser/stream";

export interface SseEvent {
  event: string;
  data: unknown;
}

export async function* readEvents(res: Response): AsyncGenerator<SseEvent> {
  if (!res.body) return;
  const messages = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
  // An event without an `event:` field is a "message" (the SSE spec's default type).
  for await (const message of messages) yield { event: message.event ?? "message", data: JSON.parse(message.data) };
}
