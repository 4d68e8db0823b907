// Server side of the OIP v2 infer body for generic tensor models (onnx-generic.ts): reads every input
// (JSON `data` or the binary tensor extension, any datatype of tensors.ts), checks it against the
// model's declared inputs, and writes the requested outputs, each in binary or JSON as asked.
import { readInferHeader, type RequestTensor } from "./codec.ts";
import { checkInputs, type TensorModel } from "./onnx-generic.ts";
import { TensorError, elementCount, isOipDatatype, tensorBytes, tensorJson, valuesFromBinary, valuesFromJson, type WireTensor } from "./tensors.ts";

export interface TensorRequest {
  inputs: Map<string, WireTensor>;
  /** Output names to return, in order (all declared outputs when the request names none). */
  outputs: string[];
  /** Per output: send in the binary extension. */
  binary: boolean[];
}

const utf8Encoder = new TextEncoder();

export function readTensorRequest(model: TensorModel, body: Uint8Array, headerLength: string | undefined): TensorRequest {
  const { n, header } = readInferHeader(body, headerLength, TensorError);
  const raw = header.inputs;
  const described = raw.map((t, i) => {
    if (typeof t?.name !== "string") throw new TensorError(`input ${i} has no name`);
    if (!isOipDatatype(t.datatype)) throw new TensorError(`input ${t.name}: datatype ${JSON.stringify(t.datatype)} is not an OIP v2 datatype`);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new TensorError(`input ${t.name}: shape ${JSON.stringify(t.shape)} is not a list of non-negative integers`);
    }
    return { name: t.name, datatype: t.datatype, shape: t.shape as number[] };
  });
  checkInputs(model, described);

  let offset = n;
  const inputs = new Map<string, WireTensor>();
  raw.forEach((t, i) => {
    const d = described[i];
    const count = elementCount(d.shape);
    const size = t.parameters?.binary_data_size;
    if (size === undefined) {
      inputs.set(d.name, { ...d, values: valuesFromJson(d.name, d.datatype, t.data, count) });
      return;
    }
    if (!Number.isInteger(size) || (size as number) < 0 || offset + (size as number) > body.byteLength) {
      throw new TensorError(`input ${d.name}: binary_data_size ${String(size)} overruns the body`);
    }
    inputs.set(d.name, { ...d, values: valuesFromBinary(d.name, d.datatype, body.subarray(offset, offset + (size as number)), count) });
    offset += size as number;
  });
  if (offset !== body.byteLength) throw new TensorError(`body has ${body.byteLength - offset} bytes beyond the declared tensors`);

  const declaredOutputs = model.outputs.map((o) => o.name);
  const binaryDefault = header.parameters?.binary_data_output === true;
  const asked = Array.isArray(header.outputs) ? (header.outputs as RequestTensor[]) : [];
  for (const o of asked) {
    if (typeof o?.name !== "string" || !declaredOutputs.includes(o.name)) {
      throw new TensorError(`unknown output ${JSON.stringify(o?.name)}: model ${model.name} has ${declaredOutputs.join(", ")}`);
    }
  }
  const outputs = asked.length > 0 ? asked.map((o) => o.name as string) : declaredOutputs;
  const binary = outputs.map((name) => {
    const p = asked.find((o) => o.name === name)?.parameters?.binary_data;
    return p === undefined ? binaryDefault : p === true;
  });
  return { inputs, outputs, binary };
}

/** The answer: JSON only when no output is binary, else the JSON header then each binary output's bytes. */
export function writeTensorResponse(model: TensorModel, outputs: readonly WireTensor[], binary: readonly boolean[]): { body: Uint8Array; headers: Record<string, string> } {
  const blobs: Uint8Array[] = [];
  const described = outputs.map((t, i) => {
    const head = { name: t.name, datatype: t.datatype, shape: t.shape };
    if (!binary[i]) return { ...head, data: tensorJson(t) };
    const bytes = tensorBytes(t);
    blobs.push(bytes);
    return { ...head, parameters: { binary_data_size: bytes.byteLength } };
  });
  const header = utf8Encoder.encode(JSON.stringify({ model_name: model.name, model_version: "1", outputs: described }));
  if (blobs.length === 0) return { body: header, headers: { "content-type": "application/json" } };
  const body = new Uint8Array(header.byteLength + blobs.reduce((s, b) => s + b.byteLength, 0));
  body.set(header);
  let at = header.byteLength;
  for (const b of blobs) {
    body.set(b, at);
    at += b.byteLength;
  }
  return { body, headers: { "content-type": "application/octet-stream", "inference-header-content-length": String(header.byteLength) } };
}
