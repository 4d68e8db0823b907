// Tensor values <-> little-endian bytes for the OIP binary extension (row-major, no padding).
import type { TimestepDtype, WireDtype } from "./config.ts";
import { fromFp16Bytes, roundToFp16, toFp16Bytes } from "./fp16.ts";

/** Bytes per element of each datatype this client reads or writes. */
export const DTYPE_BYTES: Readonly<Record<WireDtype | TimestepDtype, number>> = { FP16: 2, FP32: 4, FP64: 8, INT32: 4, INT64: 8 };

export const TIMESTEP_DTYPES: readonly TimestepDtype[] = ["INT64", "INT32", "FP32", "FP64"];

/** Wire bytes of sample values. FP32 shares the caller's memory: send it before the caller reuses it. */
export const encodeSample = (x: Float32Array, dtype: WireDtype): Uint8Array =>
  dtype === "FP16" ? toFp16Bytes(x) : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);

/** Sample values as the wire carries them, for JSON tensors (FP16 rounded so both paths agree). */
export const sampleJsonValues = (x: Float32Array, dtype: WireDtype): number[] =>
  Array.from(dtype === "FP16" ? roundToFp16(x) : x);

/** Wire bytes of timesteps in the dtype the model declares; integer dtypes get the nearest integer (Euler's
 * fractional timesteps go to a model trained on integer ones as diffusers' int() cast would not: rounded). */
export const encodeTimesteps = (t: Float64Array, dtype: TimestepDtype): Uint8Array => {
  const typed =
    dtype === "INT64" ? BigInt64Array.from(t, (v) => BigInt(Math.round(v)))
    : dtype === "INT32" ? Int32Array.from(t, (v) => Math.round(v))
    : dtype === "FP32" ? Float32Array.from(t)
    : Float64Array.from(t);
  return new Uint8Array(typed.buffer, typed.byteOffset, typed.byteLength);
};

/** Row r's sample values as the model takes them: scaled by `scale` (the model's input scaling) when it is not 1. */
export const scaledRow = (x: Float32Array, scale: number): Float32Array => (scale === 1 ? x : x.map((v) => v * scale));

/** Float32 values of an output tensor's bytes; the caller has checked the byte count. */
export const decodeOutput = (bytes: Uint8Array, dtype: WireDtype): Float32Array => {
  if (dtype === "FP16") return fromFp16Bytes(bytes);
  // A Float32Array view needs a 4-aligned offset; the tensor follows a JSON header of any length.
  return new Float32Array(bytes.slice().buffer);
};

/** Index of the first non-finite value, or -1. */
export const firstNonFinite = (values: Float32Array): number => {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return i;
  return -1;
};
