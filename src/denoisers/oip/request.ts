// The body of POST .../infer for one call: binary tensor extension (JSON header, then the tensors'
// bytes in header order) or plain JSON tensors.
import type { OipModelConfig } from "./config.ts";
import type { WirePlan } from "./metadata.ts";
import { DTYPE_BYTES, encodeSample, encodeTimesteps, sampleJsonValues } from "./tensors.ts";
import { rowSize } from "./config.ts";
import type { ExtraTensor } from "./condition-tensors.ts";

/** The rows of one call: a contiguous slice of a round's batch, read where the sampler keeps them. */
export interface CallRows {
  rows: number;
  /** Row r of the slice as the model sees it (dim values, input scaling applied; read before any await). */
  state(r: number): Float32Array;
  timesteps: Float64Array;
}

export interface EncodedRequest {
  body: Uint8Array;
  headers: Record<string, string>;
}

const utf8 = new TextEncoder();

/** `extra`: the conditioning inputs of a conditional model (condition-tensors.ts), sent after the timestep. */
export function encodeInferRequest(config: OipModelConfig, plan: WirePlan, call: CallRows, extra: readonly ExtraTensor[] = []): EncodedRequest {
  const sampleShape = [call.rows, ...config.sampleShape];
  const timestepShape = plan.timestepRank === 2 ? [call.rows, 1] : [call.rows];
  const sample = { name: config.inputs.sample, shape: sampleShape, datatype: config.wireDtype };
  const timestep = { name: config.inputs.timestep, shape: timestepShape, datatype: plan.timestepDtype };
  if (!config.binary) {
    const header = {
      inputs: [
        { ...sample, data: Array.from({ length: call.rows }, (_, r) => sampleJsonValues(call.state(r), config.wireDtype)).flat() },
        { ...timestep, data: Array.from(call.timesteps) },
        ...extra.map((t) => ({ name: t.name, shape: t.shape, datatype: t.datatype, data: t.json() })),
      ],
      outputs: [{ name: config.output, parameters: { binary_data: false } }],
    };
    return { body: utf8.encode(JSON.stringify(header)), headers: { "content-type": "application/json" } };
  }
  const rowBytes = sampleRowBytes(config);
  const xByteLength = call.rows * rowBytes;
  const tBytes = encodeTimesteps(call.timesteps, plan.timestepDtype);
  const header = utf8.encode(JSON.stringify({
    inputs: [
      { ...sample, parameters: { binary_data_size: xByteLength } },
      { ...timestep, parameters: { binary_data_size: tBytes.byteLength } },
      ...extra.map((t) => ({ name: t.name, shape: t.shape, datatype: t.datatype, parameters: { binary_data_size: t.bytes.byteLength } })),
    ],
    outputs: [{ name: config.output, parameters: { binary_data: true } }],
    // KServe reads the request-level flag, Triton the per-output one: send both.
    parameters: { binary_data_output: true },
  }));
  // The states go from the sampler's rows straight into the body: no batch-sized staging copy.
  const extraBytes = extra.reduce((n, t) => n + t.bytes.byteLength, 0);
  const body = new Uint8Array(header.byteLength + xByteLength + tBytes.byteLength + extraBytes);
  body.set(header, 0);
  for (let r = 0; r < call.rows; r++) body.set(encodeSample(call.state(r), config.wireDtype), header.byteLength + r * rowBytes);
  body.set(tBytes, header.byteLength + xByteLength);
  let at = header.byteLength + xByteLength + tBytes.byteLength;
  for (const t of extra) {
    body.set(t.bytes, at);
    at += t.bytes.byteLength;
  }
  return {
    body,
    headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.byteLength) },
  };
}

/** Wire bytes of one row's sample values. */
export const sampleRowBytes = (config: OipModelConfig): number => rowSize(config) * DTYPE_BYTES[config.wireDtype];
