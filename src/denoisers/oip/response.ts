// Reads the answer of POST .../infer: the configured output tensor, checked for name, dtype, shape,
// byte count and finiteness. Every failure here is a malformed answer (502), never retried.
import { DenoiserBadResponseError } from "../../errors.ts";
import type { OipModelConfig, WireDtype } from "./config.ts";
import { roundToFp16 } from "./fp16.ts";
import { shownValue } from "./sanitise.ts";
import type { RawAnswer } from "./transport.ts";
import { decodeOutput, DTYPE_BYTES, firstNonFinite } from "./tensors.ts";

interface OutputTensor {
  name?: unknown;
  datatype?: unknown;
  shape?: unknown;
  data?: unknown;
  parameters?: { binary_data_size?: unknown };
}

const utf8 = new TextDecoder();

/** The output of one call, checked whole, decoded one row at a time into the caller's row. */
export interface OutputRows {
  readonly rows: number;
  /** Writes row r's values into dst (dim f32); throws if one is not finite. */
  read(r: number, dst: Float32Array): void;
}

/** Checks the answer's output tensor for `rows` rows and returns its row reader (no full-size copy of binary data). */
/** What reading an answer needs: the model's name (for messages), its output's name, dtype and row shape. */
export type OutputSpec = Pick<OipModelConfig, "modelName" | "output" | "wireDtype" | "sampleShape">;

export function decodeInferResponse(config: OutputSpec, answer: RawAnswer, rows: number): OutputRows {
  const bad = (why: string) => new DenoiserBadResponseError(`model "${config.modelName}" answered badly: ${why}`);
  const { json, binary } = split(answer, bad);
  const outputs = (json as { outputs?: unknown } | null)?.outputs;
  if (!Array.isArray(outputs)) throw bad("no outputs list");
  const index = outputs.findIndex((o: OutputTensor) => o?.name === config.output);
  if (index < 0) throw bad(`no output named "${config.output}"`);
  const out = outputs[index] as OutputTensor;
  if (out.datatype !== config.wireDtype) throw bad(`output dtype ${shownValue(out.datatype)}, expected ${config.wireDtype}`);
  const want = [rows, ...config.sampleShape];
  if (!Array.isArray(out.shape) || out.shape.length !== want.length || out.shape.some((n, i) => n !== want[i])) {
    throw bad(`output shape ${shownValue(out.shape)}, expected ${JSON.stringify(want)}`);
  }
  const count = want.reduce((p, n) => p * n, 1);
  const dim = count / Math.max(rows, 1);
  const decodeRow = out.parameters?.binary_data_size !== undefined
    ? binaryRows(binaryTensor(outputs as OutputTensor[], index, binary, count * DTYPE_BYTES[config.wireDtype], bad), config.wireDtype, dim)
    : jsonRows(jsonValues(out.data, count, config.wireDtype, bad), dim);
  return {
    rows,
    read(r, dst) {
      decodeRow(r, dst);
      const at = firstNonFinite(dst);
      if (at >= 0) throw bad(`non-finite value ${dst[at]} in row ${r}`);
    },
  };
}

type RowDecoder = (r: number, dst: Float32Array) => void;

const binaryRows = (bytes: Uint8Array, dtype: WireDtype, dim: number): RowDecoder => {
  const rowBytes = dim * DTYPE_BYTES[dtype];
  // FP32: the wire's little-endian bytes are the row's bytes (the host is little-endian, see fp16.ts).
  if (dtype === "FP32") return (r, dst) => new Uint8Array(dst.buffer, dst.byteOffset, rowBytes).set(bytes.subarray(r * rowBytes, (r + 1) * rowBytes));
  return (r, dst) => dst.set(decodeOutput(bytes.subarray(r * rowBytes, (r + 1) * rowBytes), dtype));
};

const jsonRows = (values: Float32Array, dim: number): RowDecoder => (r, dst) => dst.set(values.subarray(r * dim, (r + 1) * dim));

type Bad = (why: string) => DenoiserBadResponseError;

// With Inference-Header-Content-Length the body is a JSON header then raw tensors; without, all JSON.
function split(answer: RawAnswer, bad: Bad): { json: unknown; binary: Uint8Array } {
  const n = answer.headerLength === null ? answer.body.byteLength : Number(answer.headerLength);
  if (!Number.isInteger(n) || n <= 0 || n > answer.body.byteLength) {
    throw bad(`Inference-Header-Content-Length ${shownValue(answer.headerLength)} does not fit a body of ${answer.body.byteLength} bytes`);
  }
  try {
    return { json: JSON.parse(utf8.decode(answer.body.subarray(0, n))), binary: answer.body.subarray(n) };
  } catch {
    throw bad("header is not JSON");
  }
}

// Binary outputs follow the header in the order they are listed; the bytes must add up exactly.
function binaryTensor(outputs: OutputTensor[], index: number, binary: Uint8Array, expected: number, bad: Bad): Uint8Array {
  let offset = 0;
  let total = 0;
  for (let i = 0; i < outputs.length; i++) {
    const size = outputs[i]?.parameters?.binary_data_size;
    if (size === undefined) continue;
    if (!Number.isInteger(size) || (size as number) < 0) throw bad(`binary_data_size ${shownValue(size)} is not a byte count`);
    if (i < index) offset += size as number;
    total += size as number;
  }
  const size = outputs[index].parameters?.binary_data_size as number;
  if (size !== expected) throw bad(`output binary_data_size ${size}, expected ${expected} bytes`);
  if (total !== binary.byteLength) throw bad(`binary part has ${binary.byteLength} bytes, binary_data_size adds up to ${total}`);
  return binary.subarray(offset, offset + size);
}

// The protocol allows the data array flat or nested by dimension; both are row-major.
// FP16 values are rounded to FP16, what the tensor's datatype says they are, so both paths agree.
function jsonValues(raw: unknown, count: number, dtype: WireDtype, bad: Bad): Float32Array {
  if (!Array.isArray(raw)) throw bad("output has neither binary_data_size nor a data array");
  const data: unknown[] = raw.some(Array.isArray) ? raw.flat(Infinity) : raw;
  if (data.length !== count) throw bad(`output data has ${data.length} values, expected ${count}`);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const v = data[i];
    if (typeof v !== "number") throw bad(`output data[${i}] is not a number`);
    out[i] = v;
  }
  return dtype === "FP16" ? roundToFp16(out) : out;
}
