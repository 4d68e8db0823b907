// A typed client for the sampling API: request and answer types come from schema.d.ts (generated from
// GET /openapi.json), requests go through openapi-fetch, streams are parsed with eventsource-parser.
//
//   const client = createSampleClient("http://localhost:8787");
//   const { samples, stats } = await client.samples({ model: "ring-2d", num_samples: 4, seed: 7 });
//   for await (const ev of client.stream({ model: "glyphs", num_samples: 4 })) console.log(ev.event, ev.data);
import createClient, { type Client } from "openapi-fetch";
import { createParser, type EventSourceMessage } from "eventsource-parser";
import type { components, paths } from "./schema.d.ts";

export type { components, paths };
export type SampleRequest = components["schemas"]["SampleRequest"];
/** A request for samples() and stream(): each method sets `output` and `stream` itself. */
export type SampleInput = Omit<SampleRequest, "output" | "stream">;
export type SampleResponse = components["schemas"]["SampleResponse"];
export type ErrorBody = components["schemas"]["Error"];

/** A stream's progress event (`event: round`). The OpenAPI document types the stream as text, so this
 * mirrors the Worker's RoundEvent (src/sampler/run.ts). */
export interface RoundEvent {
  round: number;
  /** Steps committed so far, per chain. */
  committed: number[];
  /** Drafts accepted over drafts verified so far, all chains. */
  acceptance: number;
  /** Per chain, the latest x0 prediction; only when num_samples x dim <= 4096. */
  x0?: number[][];
}

/** What stream() yields: round events, then exactly one result (the same body samples() returns). */
export type StreamEvent = { event: "round"; data: RoundEvent } | { event: "result"; data: SampleResponse };

/** An error answer of the API: `{"error": {"code", "message", "field"?}}` with its HTTP status. An error
 * sent inside a stream (`event: error`, after the 200 went out) carries the stream's status, 200. A body
 * that is not the API's error shape (a proxy's page) gives code `http_<status>` and its text, shortened. */
export class SampleApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** The request path at fault, e.g. `draft.window`, when the server names one. */
  readonly field: string | undefined;

  constructor(status: number, error: ErrorBody["error"]) {
    super(`${status} ${error.code}: ${error.message}${error.field ? ` (field ${error.field})` : ""}`);
    this.name = "SampleApiError";
    this.status = status;
    this.code = error.code;
    this.field = error.field;
  }
}

const isErrorBody = (body: unknown): body is ErrorBody => {
  const e = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  return typeof e === "object" && e !== null && typeof e.code === "string" && typeof e.message === "string";
};

const apiError = (status: number, body: unknown, statusText = ""): SampleApiError =>
  isErrorBody(body)
    ? new SampleApiError(status, body.error)
    : new SampleApiError(status, { code: `http_${status}`, message: (typeof body === "string" && body.trim() ? body.trim().slice(0, 200) : statusText) || "no error body" });

/** Per-call options. */
export interface CallOptions {
  /** Aborts the request (and, for a stream, stops the sampler on the server). */
  signal?: AbortSignal;
}

export interface SampleClient {
  /** POST /v1/samples with `output: "json"`: the samples, seed, stats and timing. Throws SampleApiError. */
  samples(body: SampleInput, options?: CallOptions): Promise<SampleResponse>;
  /** POST /v1/samples with `stream: true`: round events, then the result. Throws SampleApiError for an
   * error answer or an `event: error`. Leaving the loop early closes the connection, which stops the run. */
  stream(body: SampleInput, options?: CallOptions): AsyncGenerator<StreamEvent, void, undefined>;
  /** The underlying openapi-fetch client, for the other routes (GET /v1/models, /v1/health). */
  readonly api: Client<paths, "application/json">;
}

/** Reads Server-Sent Events from a body until the result event; exported for tests. */
export async function* readSampleEvents(body: ReadableStream<Uint8Array>, status = 200): AsyncGenerator<StreamEvent, void, undefined> {
  const pending: EventSourceMessage[] = [];
  const parser = createParser({ onEvent: (message) => pending.push(message) });
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  try {
    // An event is dispatched at its blank line; one cut off by the end of the body is dropped (as the SSE spec says).
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      parser.feed(next.value);
      while (pending.length > 0) {
        const message = pending.shift()!;
        const data: unknown = JSON.parse(message.data);
        if (message.event === "error") throw apiError(status, data);
        if (message.event === "round") yield { event: "round", data: data as RoundEvent };
        else if (message.event === "result") {
          yield { event: "result", data: data as SampleResponse };
          return;
        }
      }
    }
    throw new Error("the stream ended without a result event");
  } finally {
    // Closes the connection when the caller stops early or an error is thrown; a no-op once the body ended.
    await reader.cancel().catch(() => undefined);
  }
}

/** A client for the Worker at `baseUrl`; `token` is sent as `Authorization: Bearer` (deployments with API_TOKEN). */
export const createSampleClient = (baseUrl: string, token?: string): SampleClient => {
  const api = createClient<paths, "application/json">({
    baseUrl,
    headers: token ? { authorization: `Bearer ${token}` } : undefined,
  });
  return {
    api,
    async samples(body, options = {}) {
      const request: SampleRequest = { ...body, output: "json", stream: false };
      const { data, error, response } = await api.POST("/v1/samples", {
        body: request,
        signal: options.signal,
      });
      if (error !== undefined || data === undefined) throw apiError(response.status, error, response.statusText);
      return data;
    },
    async *stream(body, options = {}) {
      // Typed first: a literal body here widens `output` and loses the parseAs inference.
      const request: SampleRequest = { ...body, output: "json", stream: true };
      const { data, error, response } = await api.POST("/v1/samples", {
        body: request,
        headers: { accept: "text/event-stream" },
        parseAs: "stream",
        signal: options.signal,
      });
      if (error !== undefined || !data) throw apiError(response.status, error, response.statusText);
      yield* readSampleEvents(data, response.status);
    },
  };
};
