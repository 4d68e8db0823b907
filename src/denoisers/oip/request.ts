// The body of POST .../infer for one call: binary tensor extension (JSON header, then the tensors'
// bytes in header order) or plain JSON tensors.
import type { OipModelConfig } from "./config.ts";
import type { WirePlan } from "./metadata.ts";
import { encodeSample, encodeTimesteps, sampleJsonValues } from "./tensors.ts";

/** The rows of one call: a contiguous slice of a round's batch. */
export interface CallRows {
  rows: number;
  x: Float32Array;
  timesteps: Int32Array;
}

export interface EncodedRequest {
  body: Uint8Array;
  headers: Record<string, string>;
}

const utf8 = new TextEncoder();

export function encodeInferRequest(config: OipModelConfig, plan: WirePlan, call: CallRows): EncodedRequest {
  const sampleShape = [call.rows, ...config.sampleShape];
  const timestepShape = plan.timestepRank === 2 ? [call.rows, 1] : [call.rows];
  const sample = { name: config.inputs.sample, shape: sampleShape, datatype: config.wireDtype };
  const timestep = { name: config.inputs.timestep, shape: timestepShape, datatype: plan.timestepDtype };
  if (!config.binary) {
    const header = {
      inputs: [
        { ...sample, data: sampleJsonValues(call.x, config.wireDtype) },
        { ...timestep, data: Array.from(call.timesteps) },
      ],
      outputs: [{ name: config.output, parameters: { binary_data: false } }],
    };
    return { body: utf8.encode(JSON.stringify(header)), headers: { "content-type": "application/json" } };
  }
  const xBytes = encodeSample(call.x, config.wireDtype);
  const tBytes = encodeTimesteps(call.timesteps, plan.timestepDtype);
  const header = utf8.encode(JSON.stringify({
    inputs: [
      { ...sample, parameters: { binary_data_size: xBytes.byteLength } },
      { ...timestep, parameters: { binary_data_size: tBytes.byteLength } },
    ],
    outputs: [{ name: config.output, parameters: { binary_data: true } }],
    // KServe reads the request-level flag, Triton the per-output one: send both.
    parameters: { binary_data_output: true },
  }));
  const body = new Uint8Array(header.byteLength + xBytes.byteLength + tBytes.byteLength);
  body.set(header, 0);
  body.set(xBytes, header.byteLength);
  body.set(tBytes, header.byteLength + xBytes.byteLength);
  return {
    body,
    headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.byteLength) },
  };
}
