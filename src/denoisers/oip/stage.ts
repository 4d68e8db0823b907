// The pipeline's encoder and decoder stages over OIP v2. The encoder turns the request's distinct
// prompts into embeddings in one call, keeping the latest ones per isolate (bounded LRU keyed by model,
// version and prompt); the decoder turns final latents into images, in calls of at most max_rows_per_call.
import { oipCaller, type OipCaller, type OipDeps } from "./caller.ts";
import { modelUrl } from "./metadata.ts";
import { runPool, splitRows } from "./pool.ts";
import { decodeInferResponse, type OutputSpec } from "./response.ts";
import type { OipDecoderConfig, OipEncoderConfig, OipStageConfig } from "./stage-config.ts";
import { DTYPE_BYTES, encodeSample, sampleJsonValues } from "./tensors.ts";
import type { RawAnswer } from "./transport.ts";
import type { DecodeResult, EncodeResult, LatentDecoder, PromptEncoder } from "../stages.ts";

const utf8 = new TextEncoder();

export interface EncoderStage extends PromptEncoder {
  readonly config: OipEncoderConfig;
}

export interface DecoderStage extends LatentDecoder {
  readonly config: OipDecoderConfig;
}

const values = (shape: readonly number[]) => shape.reduce((p, n) => p * n, 1);

/** POSTs one infer body to the stage's model and returns the raw answer. */
const inferCall = (config: OipStageConfig, caller: OipCaller, role: string) =>
  function infer(rows: number, body: Uint8Array, headers: Record<string, string>, signal?: AbortSignal): Promise<RawAnswer> {
    const label = `infer on ${role} model "${config.modelName}"`;
    return caller.call("infer", rows, { label, url: `${modelUrl(config)}/infer`, method: "POST", headers: { ...headers, ...caller.auth }, body }, signal);
  };

// Output requested in the binary extension (both the per-output and the request-level flag: Triton and KServe) or as JSON.
const outputsPart = (config: OipStageConfig) =>
  config.binary
    ? { outputs: [{ name: config.output, parameters: { binary_data: true } }], parameters: { binary_data_output: true } }
    : { outputs: [{ name: config.output, parameters: { binary_data: false } }] };

export const oipEncoderStage = (config: OipEncoderConfig, deps: OipDeps = {}): EncoderStage => {
  const caller = oipCaller(config, deps);
  const infer = inferCall(config, caller, "encoder");
  const spec: OutputSpec = { modelName: config.modelName, output: config.output, wireDtype: config.wireDtype, sampleShape: config.embeddingShape };
  // Map order is recency: a hit is moved to the end, the first key is the least recently used.
  const cache = new Map<string, Float32Array>();
  const keyOf = (prompt: string) => JSON.stringify([config.baseUrl, config.modelName, config.modelVersion ?? null, prompt]);
  const remember = (key: string, e: Float32Array) => {
    if (config.cacheEntries === 0) return;
    cache.delete(key);
    cache.set(key, e);
    while (cache.size > config.cacheEntries) cache.delete(cache.keys().next().value!);
  };

  const encode = async function encode(prompts: readonly string[], signal?: AbortSignal): Promise<EncodeResult> {
    const found = new Map<string, Float32Array>();
    let cached = 0;
    const distinct = [...new Set(prompts)];
    for (const p of distinct) {
      const key = keyOf(p);
      const hit = cache.get(key);
      if (hit) {
        found.set(p, hit);
        remember(key, hit);
        cached++;
      }
    }
    const missing = distinct.filter((p) => !found.has(p));
    // Distinct prompts go in calls of at most max_rows_per_call, run max_concurrent_calls at once.
    const slices = splitRows(missing.length, config.maxRowsPerCall);
    await runPool(slices, config.maxConcurrentCalls, signal, async function encodeSlice({ start, count }, callSignal) {
      const batch = missing.slice(start, start + count);
      const body = utf8.encode(JSON.stringify({ inputs: [{ name: config.input, shape: [count], datatype: "BYTES", data: batch }], ...outputsPart(config) }));
      const rows = decodeInferResponse(spec, await infer(count, body, { "content-type": "application/json" }, callSignal), count);
      batch.forEach((p, r) => {
        const e = new Float32Array(values(config.embeddingShape));
        rows.read(r, e);
        found.set(p, e);
        remember(keyOf(p), e);
      });
    });
    return { embeddings: prompts.map((p) => found.get(p)!), calls: slices.length, cached };
  };
  return { config, embeddingShape: config.embeddingShape, encode: caller.scrubbed(encode) };
};

export const oipDecoderStage = (config: OipDecoderConfig, deps: OipDeps = {}): DecoderStage => {
  const caller = oipCaller(config, deps);
  const infer = inferCall(config, caller, "decoder");
  const spec: OutputSpec = { modelName: config.modelName, output: config.output, wireDtype: config.wireDtype, sampleShape: config.outputShape };
  const inDim = values(config.inputShape);
  const outDim = values(config.outputShape);

  const body = (latents: Float32Array, start: number, count: number): { body: Uint8Array; headers: Record<string, string> } => {
    const rowsOf = latents.subarray(start * inDim, (start + count) * inDim);
    const tensor = { name: config.input, shape: [count, ...config.inputShape], datatype: config.wireDtype };
    if (!config.binary) {
      const json = { inputs: [{ ...tensor, data: sampleJsonValues(rowsOf, config.wireDtype) }], ...outputsPart(config) };
      return { body: utf8.encode(JSON.stringify(json)), headers: { "content-type": "application/json" } };
    }
    const bytes = encodeSample(rowsOf, config.wireDtype);
    const header = utf8.encode(JSON.stringify({ inputs: [{ ...tensor, parameters: { binary_data_size: bytes.byteLength } }], ...outputsPart(config) }));
    const out = new Uint8Array(header.byteLength + bytes.byteLength);
    out.set(header, 0);
    out.set(bytes, header.byteLength);
    return { body: out, headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.byteLength) } };
  };

  const decode = async function decode(latents: Float32Array, rows: number, signal?: AbortSignal): Promise<DecodeResult> {
    if (latents.length !== rows * inDim) throw new RangeError(`decoder: ${latents.length} latent values for ${rows} rows of ${inDim}`);
    const images = new Float32Array(rows * outDim);
    const slices = splitRows(rows, config.maxRowsPerCall);
    await runPool(slices, config.maxConcurrentCalls, signal, async function decodeSlice({ start, count }, callSignal) {
      const { body: b, headers } = body(latents, start, count);
      const answer = decodeInferResponse(spec, await infer(count, b, headers, callSignal), count);
      // Values are kept as decoded; output_range only maps them to pixels (png clamps what lies outside).
      for (let r = 0; r < count; r++) answer.read(r, images.subarray((start + r) * outDim, (start + r + 1) * outDim));
    });
    return { images, calls: slices.length };
  };
  return {
    config,
    outputShape: config.outputShape,
    outputRange: config.outputRange,
    maxRowsPerCall: config.maxRowsPerCall,
    wireBytes: DTYPE_BYTES[config.wireDtype],
    decode: caller.scrubbed(decode),
  };
};
