// OIP v2 tensors of any datatype for the reference provider's generic (ONNX) models: reading request
// inputs in JSON `data` form or in the binary tensor extension, and writing outputs either way.
//
// In memory a tensor's values are the typed array onnxruntime takes for the datatype (FP16 as its
// raw bits in a Uint16Array, BOOL as 0/1 bytes, BYTES as strings). On the wire (binary extension,
// little-endian): fixed-size datatypes as packed values; BYTES as each element's 4-byte little-endian
// length followed by its bytes (Triton's binary extension). In JSON: numbers (INT64 beyond 2^53 as
// exact integer numbers where possible), booleans or 0/1 for BOOL, strings for BYTES.
import { fromFp16Bytes, toFp16Bytes } from "../../src/denoisers/oip/fp16.ts";
import { ProtocolError } from "./codec.ts";

export type OipDatatype =
  | "BOOL" | "UINT8" | "UINT16" | "UINT32" | "UINT64" | "INT8" | "INT16" | "INT32" | "INT64" | "FP16" | "FP32" | "FP64" | "BYTES";

export type TensorValues =
  | Float32Array | Float64Array | Uint16Array | Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint32Array
  | BigUint64Array | string[];

export interface WireTensor {
  name: string;
  datatype: OipDatatype;
  shape: number[];
  values: TensorValues;
}

/** A request error: the server answers 400 with its message. */
export class TensorError extends ProtocolError {}

interface FixedType {
  readonly bytes: number;
  readonly ort: string;
  readonly make: (n: number) => Exclude<TensorValues, string[]>;
  readonly view: (buf: ArrayBuffer) => Exclude<TensorValues, string[]>;
  /** [min, max] of an integer type (BigInt for 64 bits), undefined for floats. */
  readonly range?: readonly [number | bigint, number | bigint];
}

const FIXED: Readonly<Record<Exclude<OipDatatype, "BYTES">, FixedType>> = {
  BOOL: { bytes: 1, ort: "bool", make: (n) => new Uint8Array(n), view: (b) => new Uint8Array(b), range: [0, 1] },
  UINT8: { bytes: 1, ort: "uint8", make: (n) => new Uint8Array(n), view: (b) => new Uint8Array(b), range: [0, 255] },
  UINT16: { bytes: 2, ort: "uint16", make: (n) => new Uint16Array(n), view: (b) => new Uint16Array(b), range: [0, 65535] },
  UINT32: { bytes: 4, ort: "uint32", make: (n) => new Uint32Array(n), view: (b) => new Uint32Array(b), range: [0, 2 ** 32 - 1] },
  UINT64: { bytes: 8, ort: "uint64", make: (n) => new BigUint64Array(n), view: (b) => new BigUint64Array(b), range: [0n, 2n ** 64n - 1n] },
  INT8: { bytes: 1, ort: "int8", make: (n) => new Int8Array(n), view: (b) => new Int8Array(b), range: [-128, 127] },
  INT16: { bytes: 2, ort: "int16", make: (n) => new Int16Array(n), view: (b) => new Int16Array(b), range: [-32768, 32767] },
  INT32: { bytes: 4, ort: "int32", make: (n) => new Int32Array(n), view: (b) => new Int32Array(b), range: [-(2 ** 31), 2 ** 31 - 1] },
  INT64: { bytes: 8, ort: "int64", make: (n) => new BigInt64Array(n), view: (b) => new BigInt64Array(b), range: [-(2n ** 63n), 2n ** 63n - 1n] },
  FP16: { bytes: 2, ort: "float16", make: (n) => new Uint16Array(n), view: (b) => new Uint16Array(b) },
  FP32: { bytes: 4, ort: "float32", make: (n) => new Float32Array(n), view: (b) => new Float32Array(b) },
  FP64: { bytes: 8, ort: "float64", make: (n) => new Float64Array(n), view: (b) => new Float64Array(b) },
};

export const OIP_DATATYPES: readonly OipDatatype[] = [...(Object.keys(FIXED) as OipDatatype[]), "BYTES"];

const ORT_TO_OIP: Readonly<Record<string, OipDatatype>> = {
  ...Object.fromEntries(Object.entries(FIXED).map(([k, v]) => [v.ort, k as OipDatatype])),
  string: "BYTES",
};

/** The OIP datatype of an onnxruntime tensor type ("float32" -> "FP32", "string" -> "BYTES"), undefined if none. */
export const oipDatatypeOf = (ortType: string): OipDatatype | undefined => ORT_TO_OIP[ortType];

/** The onnxruntime tensor type of an OIP datatype. */
export const ortTypeOf = (d: OipDatatype): string => (d === "BYTES" ? "string" : FIXED[d].ort);

export const isOipDatatype = (d: unknown): d is OipDatatype => typeof d === "string" && (OIP_DATATYPES as readonly string[]).includes(d);

export const elementCount = (shape: readonly number[]): number => shape.reduce((p, n) => p * n, 1);

const utf8 = new TextDecoder("utf-8");
const utf8Encoder = new TextEncoder();

/** Values of a request tensor from its JSON `data` (nested or flat), checked against datatype and count. */
export function valuesFromJson(name: string, datatype: OipDatatype, data: unknown, count: number): TensorValues {
  const flat = Array.isArray(data) ? (data.flat(Infinity) as unknown[]) : undefined;
  if (flat === undefined) throw new TensorError(`input ${name}: no data (JSON data array or binary_data_size)`);
  if (flat.length !== count) throw new TensorError(`input ${name}: data holds ${flat.length} values, its shape needs ${count}`);
  if (datatype === "BYTES") {
    if (!flat.every((v): v is string => typeof v === "string")) throw new TensorError(`input ${name}: BYTES data must be strings`);
    return flat;
  }
  const t = FIXED[datatype];
  if (datatype === "BOOL") {
    const out = new Uint8Array(count);
    flat.forEach((v, i) => {
      if (v === true || v === 1) out[i] = 1;
      else if (v !== false && v !== 0) throw new TensorError(`input ${name}: BOOL data must be true, false, 0 or 1 (value ${i} is ${JSON.stringify(v)})`);
    });
    return out;
  }
  if (!flat.every((v): v is number => typeof v === "number" && Number.isFinite(v))) {
    throw new TensorError(`input ${name}: ${datatype} data must be finite numbers`);
  }
  if (t.range) {
    const [lo, hi] = t.range;
    flat.forEach((v, i) => {
      if (!Number.isInteger(v) || v < lo || v > hi) throw new TensorError(`input ${name}: ${datatype} value ${i} is ${v}, not an integer in [${lo}, ${hi}]`);
    });
    if (typeof lo === "bigint") {
      const out = t.make(count) as BigInt64Array | BigUint64Array;
      flat.forEach((v, i) => void (out[i] = BigInt(v)));
      return out;
    }
  }
  if (datatype === "FP16") return new Uint16Array(toFp16Bytes(Float32Array.from(flat)).buffer);
  const out = t.make(count) as Float32Array;
  out.set(flat);
  return out;
}

/** Values of a request tensor from its binary-extension bytes. */
export function valuesFromBinary(name: string, datatype: OipDatatype, blob: Uint8Array, count: number): TensorValues {
  if (datatype === "BYTES") {
    const out: string[] = [];
    const view = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
    let at = 0;
    while (at < blob.byteLength) {
      if (at + 4 > blob.byteLength) throw new TensorError(`input ${name}: BYTES element ${out.length} has a truncated 4-byte length`);
      const len = view.getUint32(at, true);
      if (at + 4 + len > blob.byteLength) throw new TensorError(`input ${name}: BYTES element ${out.length} declares ${len} bytes, ${blob.byteLength - at - 4} remain`);
      out.push(utf8.decode(blob.subarray(at + 4, at + 4 + len)));
      at += 4 + len;
    }
    if (out.length !== count) throw new TensorError(`input ${name}: binary data holds ${out.length} BYTES elements, its shape needs ${count}`);
    return out;
  }
  const t = FIXED[datatype];
  if (blob.byteLength !== count * t.bytes) throw new TensorError(`input ${name}: ${blob.byteLength} bytes for ${count} ${datatype} values (${count * t.bytes} expected)`);
  // Typed views need an aligned offset; a tensor follows a JSON header of any length. The host is little-endian.
  const values = t.view(blob.slice().buffer);
  if (datatype === "BOOL" && (values as Uint8Array).some((v) => v > 1)) throw new TensorError(`input ${name}: BOOL bytes must be 0 or 1`);
  return values;
}

/** Binary-extension bytes of a tensor. */
export function tensorBytes(t: WireTensor): Uint8Array {
  if (t.datatype === "BYTES") {
    const parts = (t.values as string[]).map((s) => utf8Encoder.encode(s));
    const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.byteLength, 0));
    const view = new DataView(out.buffer);
    let at = 0;
    for (const p of parts) {
      view.setUint32(at, p.byteLength, true);
      out.set(p, at + 4);
      at += 4 + p.byteLength;
    }
    return out;
  }
  const v = t.values as Exclude<TensorValues, string[]>;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

/** JSON `data` of a tensor: numbers (FP16 decoded, 64-bit integers as numbers), booleans for BOOL, strings for BYTES. */
export function tensorJson(t: WireTensor): (number | boolean | string)[] {
  switch (t.datatype) {
    case "BYTES": return [...(t.values as string[])];
    case "BOOL": return Array.from(t.values as Uint8Array, (v) => v !== 0);
    case "FP16": return Array.from(fromFp16Bytes(tensorBytes(t)));
    case "INT64":
    case "UINT64": return Array.from(t.values as BigInt64Array, Number);
    default: return Array.from(t.values as Float32Array);
  }
}

/** FP32 view of a floating tensor's values (FP16 decoded), for fault injection; undefined for other types. */
export function floatValues(t: WireTensor): Float32Array | undefined {
  if (t.datatype === "FP32") return t.values as Float32Array;
  if (t.datatype === "FP16") return fromFp16Bytes(tensorBytes(t));
  return undefined;
}

/** The tensor with FP32 values written back in its own datatype (FP16 re-encoded). */
export function withFloatValues(t: WireTensor, values: Float32Array): WireTensor {
  if (t.datatype === "FP16") return { ...t, values: new Uint16Array(toFp16Bytes(values).buffer) };
  return { ...t, values };
}
