// Server side of the OIP v2 infer body: reads the two inputs (binary extension or JSON tensors) and
// writes the output the way the request asked for it. Request errors are ProtocolError (400).
import type { TimestepDtype, WireDtype } from "../../src/denoisers/oip/config.ts";
import { fromFp16Bytes } from "../../src/denoisers/oip/fp16.ts";
import { DTYPE_BYTES, encodeSample, sampleJsonValues } from "../../src/denoisers/oip/tensors.ts";
import type { ServedModel } from "./models.ts";

export class ProtocolError extends Error {
  override readonly name = "ProtocolError";
}

export interface InferInputs {
  rows: number;
  x: Float32Array;
  timesteps: Float64Array;
  binaryOutput: boolean;
}

export interface RequestTensor {
  name?: unknown;
  datatype?: unknown;
  shape?: unknown;
  data?: unknown;
  parameters?: { binary_data_size?: unknown; binary_data?: unknown };
}

export interface InferHeader {
  inputs: RequestTensor[];
  outputs?: unknown;
  parameters?: { binary_data_output?: unknown };
}

const utf8 = new TextDecoder();
const utf8Encoder = new TextEncoder();

/**
 * The JSON header of an infer body and its length n (the binary tensors follow from byte n). Errors are
 * thrown as `RequestError`, so that this codec and tensor-codec.ts each answer with their own error class.
 */
export function readInferHeader(
  body: Uint8Array,
  headerLength: string | undefined,
  RequestError: new (message: string) => Error,
): { n: number; header: InferHeader } {
  const n = headerLength === undefined ? body.byteLength : Number(headerLength);
  if (!Number.isInteger(n) || n <= 0 || n > body.byteLength) throw new RequestError(`bad Inference-Header-Content-Length ${headerLength}`);
  let header: { inputs?: unknown; outputs?: unknown; parameters?: { binary_data_output?: unknown } };
  try {
    header = JSON.parse(utf8.decode(body.subarray(0, n)));
  } catch {
    throw new RequestError("request header is not JSON");
  }
  if (!Array.isArray(header?.inputs)) throw new RequestError("request has no inputs list");
  return { n, header: header as InferHeader };
}

export function readInferRequest(model: ServedModel, body: Uint8Array, headerLength: string | undefined): InferInputs {
  const { n, header } = readInferHeader(body, headerLength, ProtocolError);
  const inputs = header.inputs;
  let offset = n;
  const blobs = new Map<RequestTensor, Uint8Array>();
  for (const t of inputs) {
    const size = t?.parameters?.binary_data_size;
    if (size === undefined) continue;
    if (!Number.isInteger(size) || offset + (size as number) > body.byteLength) throw new ProtocolError(`input ${String(t.name)}: binary_data_size ${String(size)} overruns the body`);
    blobs.set(t, body.subarray(offset, offset + (size as number)));
    offset += size as number;
  }
  if (offset !== body.byteLength) throw new ProtocolError(`body has ${body.byteLength - offset} bytes beyond the declared tensors`);
  const sample = find(inputs, model.names.sample);
  const rows = Array.isArray(sample.shape) ? Number(sample.shape[0]) : NaN;
  expect(sample, model.dtype, [rows, ...model.shape]);
  const timestep = find(inputs, model.names.timestep);
  const tShape = (model.metadata.inputs.find((i) => i.name === model.names.timestep)?.shape.length ?? 1) === 2 ? [rows, 1] : [rows];
  expect(timestep, model.timestepDtype, tShape);
  const x = values(sample, blobs.get(sample), rows * model.dim) as Float32Array;
  const timesteps = Float64Array.from(values(timestep, blobs.get(timestep), rows));
  const outputs = Array.isArray(header.outputs) ? (header.outputs as RequestTensor[]) : [];
  const binaryOutput = header.parameters?.binary_data_output === true || outputs.some((o) => o?.parameters?.binary_data === true);
  return { rows, x, timesteps, binaryOutput };
}

function find(inputs: RequestTensor[], name: string): RequestTensor {
  const t = inputs.find((i) => i?.name === name);
  if (!t) throw new ProtocolError(`missing input ${name}`);
  return t;
}

function expect(t: RequestTensor, datatype: string, shape: number[]): void {
  if (t.datatype !== datatype) throw new ProtocolError(`input ${String(t.name)} must be ${datatype}, got ${String(t.datatype)}`);
  const ok = Array.isArray(t.shape) && t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) && shape[0] >= 1;
  if (!ok) throw new ProtocolError(`input ${String(t.name)} has shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(shape)}`);
}

// Float32 for samples (FP32 or FP16 on the wire), numbers for timesteps (any declared dtype).
function values(t: RequestTensor, blob: Uint8Array | undefined, count: number): Float32Array | Float64Array {
  const dtype = t.datatype as WireDtype | TimestepDtype;
  if (blob === undefined) {
    const data = Array.isArray(t.data) ? t.data.flat(Infinity) : [];
    if (data.length !== count || !data.every((v) => typeof v === "number")) throw new ProtocolError(`input ${String(t.name)}: data must hold ${count} numbers`);
    return dtype === "FP32" || dtype === "FP16" ? Float32Array.from(data as number[]) : Float64Array.from(data as number[]);
  }
  if (blob.byteLength !== count * DTYPE_BYTES[dtype]) throw new ProtocolError(`input ${String(t.name)}: ${blob.byteLength} bytes for ${count} ${dtype} values`);
  if (dtype === "FP16") return fromFp16Bytes(blob);
  // Typed views need an aligned offset; the tensor follows a JSON header of any length.
  const buf = blob.slice().buffer;
  switch (dtype) {
    case "FP32": return new Float32Array(buf);
    case "FP64": return new Float64Array(buf);
    case "INT32": return Float64Array.from(new Int32Array(buf));
    case "INT64": return Float64Array.from(new BigInt64Array(buf), Number);
  }
}

export interface OutputTensor {
  datatype: string;
  shape: number[];
  values: Float32Array;
}

/** The answer body and headers: binary extension when the request asked for it, else JSON. */
export function writeInferResponse(model: ServedModel, out: OutputTensor, binary: boolean): { body: Uint8Array; headers: Record<string, string> } {
  const base = { model_name: model.name, model_version: "1" };
  const tensor = { name: model.names.output, datatype: out.datatype, shape: out.shape };
  if (!binary) {
    const json = JSON.stringify({ ...base, outputs: [{ ...tensor, data: sampleJsonValues(out.values, model.dtype) }] });
    return { body: utf8Encoder.encode(json), headers: { "content-type": "application/json" } };
  }
  const bytes = encodeSample(out.values, model.dtype);
  const header = utf8Encoder.encode(JSON.stringify({ ...base, outputs: [{ ...tensor, parameters: { binary_data_size: bytes.byteLength } }] }));
  const body = new Uint8Array(header.byteLength + bytes.byteLength);
  body.set(header);
  body.set(bytes, header.byteLength);
  return { body, headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.byteLength) } };
}
