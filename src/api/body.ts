// Caps request bodies before anything parses them: the declared Content-Length, then the bytes that
// actually arrive (a chunked body declares none), then the shape of the JSON (json-shape.ts).
// Over a limit is 413 limit_exceeded naming it, before a byte of the body becomes a JS value.
import type { MiddlewareHandler } from "hono";
import { LimitError } from "../errors.ts";
import { MIXTURE_LIMITS } from "../models/mixture.ts";
import { checkJsonShape, JSON_LIMITS, type JsonShape } from "./json-shape.ts";

// The largest inline mixture the limits admit (MIXTURE_LIMITS.maxMeanValues means) written with 7
// characters and a comma per value ("-0.1234,"), plus 1 MiB for the rest of the request: 9 MiB.
export const MAX_BODY_BYTES = MIXTURE_LIMITS.maxMeanValues * 8 + 2 ** 20;

export interface BodyCapOptions {
  maxBytes?: number;
  json?: JsonShape;
}

const JSON_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

const tooLarge = (what: string, maxBytes: number): LimitError =>
  new LimitError("body", `${what}; limit body_bytes is ${maxBytes} bytes (${(maxBytes / 2 ** 20).toFixed(0)} MiB)`);

/** Reads the whole body, refusing it as soon as it passes maxBytes; `declared` sizes the buffer when known. */
export async function readCapped(body: ReadableStream<Uint8Array>, maxBytes: number, declared?: number): Promise<Uint8Array> {
  const reader = body.getReader();
  let buffer = new Uint8Array(declared !== undefined && declared <= maxBytes ? declared : Math.min(maxBytes, 64 * 1024));
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (size + value.byteLength > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(`the request body passed ${maxBytes} bytes`, maxBytes);
    }
    if (size + value.byteLength > buffer.byteLength) {
      const grown = new Uint8Array(Math.min(maxBytes, Math.max(size + value.byteLength, 2 * buffer.byteLength)));
      grown.set(buffer.subarray(0, size));
      buffer = grown;
    }
    buffer.set(value, size);
    size += value.byteLength;
  }
  return buffer.subarray(0, size);
}

/** Middleware: every request body is capped (body_bytes) and a JSON body's shape checked (body_depth, body_containers, body_strings, body_numbers). */
export const bodyCap = (opts: BodyCapOptions = {}): MiddlewareHandler => {
  const maxBytes = opts.maxBytes ?? MAX_BODY_BYTES;
  const json = opts.json ?? JSON_LIMITS;
  return async function bodyCap(c, next) {
    const body = c.req.raw.body;
    if (!body) return next();
    const length = c.req.header("content-length");
    const declared = length !== undefined && /^\d+$/.test(length) ? Number(length) : undefined;
    if (declared !== undefined && declared > maxBytes) throw tooLarge(`Content-Length is ${declared} bytes`, maxBytes);
    const bytes = await readCapped(body, maxBytes, declared);
    if (JSON_TYPE.test(c.req.header("content-type") ?? "")) checkJsonShape(bytes, json);
    // What the validator parses is these bytes, already read and checked.
    c.req.raw = new Request(c.req.raw, { body: bytes });
    return next();
  };
};
