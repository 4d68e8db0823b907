// Validates an OIP model configuration given as JSON (snake_case keys, as in a wrangler var); errors name the field.
import { InvalidRequestError } from "../../errors.ts";
import { checkNumber, isObject, readBool, readEnum, readNumber, type JsonObject } from "../../sampler/scheduler/fields.ts";
import { PREDICTION_TYPES } from "../../sampler/scheduler/types.ts";
import { OIP_DEFAULTS, OIP_LIMITS, type OipAuth, type OipModelConfig, type OipRetryPolicy } from "./config.ts";

const WIRE_DTYPES = ["FP32", "FP16"] as const;
// Tensor and model names end up in URL paths and JSON: keep them to what Triton and KServe accept.
const NAME = /^[A-Za-z0-9_.:\-]{1,256}$/;

/** Reads an OIP model configuration; absent optional keys take OIP_DEFAULTS. */
// diffusers' prediction types, and a flow-matching model's velocity (FlowMatchEulerDiscreteScheduler entries).
const OIP_PREDICTION_TYPES = [...PREDICTION_TYPES, "flow"] as const;

export function parseOipConfig(input: unknown, field = "oip"): OipModelConfig {
  const o = object(input, field);
  const sampleShape = readShape(o, field);
  const config: OipModelConfig = {
    ...parseConnection(o, field),
    inputs: readInputs(o, field),
    output: readName(o, "output", field),
    sampleShape,
    predictionType: readEnum(o, "prediction_type", OIP_PREDICTION_TYPES, OIP_DEFAULTS.predictionType, field),
  };
  return config;
}

/** The settings every OIP model has, whatever its tensors: where it is, how to call it. */
export interface OipConnectionSettings {
  baseUrl: string;
  modelName: string;
  modelVersion?: string;
  wireDtype: OipModelConfig["wireDtype"];
  binary: boolean;
  maxRowsPerCall: number;
  maxConcurrentCalls: number;
  timeoutMs: number;
  retry: OipRetryPolicy;
  auth?: OipAuth;
}

export function parseConnection(o: JsonObject, field: string): OipConnectionSettings {
  return {
    baseUrl: readBaseUrl(o, field),
    modelName: readName(o, "model_name", field),
    modelVersion: o.model_version === undefined ? undefined : readName(o, "model_version", field),
    wireDtype: readEnum(o, "wire_dtype", WIRE_DTYPES, OIP_DEFAULTS.wireDtype, field),
    binary: readBool(o, "binary", OIP_DEFAULTS.binary, field),
    maxRowsPerCall: readNumber(o, "max_rows_per_call", OIP_DEFAULTS.maxRowsPerCall, { integer: true, min: 1, max: OIP_LIMITS.maxRowsPerCall }, field),
    maxConcurrentCalls: readNumber(o, "max_concurrent_calls", OIP_DEFAULTS.maxConcurrentCalls, { integer: true, min: 1, max: OIP_LIMITS.maxConcurrentCalls }, field),
    timeoutMs: readNumber(o, "timeout_ms", OIP_DEFAULTS.timeoutMs, { min: 1, max: OIP_LIMITS.maxTimeoutMs }, field),
    retry: readRetry(o.retry, `${field}.retry`),
    auth: o.auth === undefined ? undefined : readAuth(o.auth, `${field}.auth`),
  };
}

export function object(v: unknown, field: string): JsonObject {
  if (!isObject(v)) throw new InvalidRequestError(field, `${field} must be a JSON object`);
  return v;
}

function readString(o: JsonObject, key: string, field: string): string {
  const v = o[key];
  if (typeof v !== "string" || v.length === 0) throw new InvalidRequestError(`${field}.${key}`, `${key} must be a non-empty string`);
  return v;
}

export function readName(o: JsonObject, key: string, field: string): string {
  const v = readString(o, key, field);
  if (!NAME.test(v)) throw new InvalidRequestError(`${field}.${key}`, `${key} ${JSON.stringify(v)} may hold only letters, digits and _ . : -`);
  return v;
}

function readBaseUrl(o: JsonObject, field: string): string {
  const raw = readString(o, "base_url", field);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidRequestError(`${field}.base_url`, `base_url ${JSON.stringify(raw)} is not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new InvalidRequestError(`${field}.base_url`, "base_url must be http or https");
  }
  if (url.search || url.hash) throw new InvalidRequestError(`${field}.base_url`, "base_url must have no query or fragment");
  return url.href.replace(/\/+$/, "");
}

function readInputs(o: JsonObject, field: string): OipModelConfig["inputs"] {
  const inputs = object(o.inputs, `${field}.inputs`);
  return { sample: readName(inputs, "sample", `${field}.inputs`), timestep: readName(inputs, "timestep", `${field}.inputs`) };
}

function readShape(o: JsonObject, field: string): number[] {
  return readShapeKey(o, "sample_shape", field);
}

/** A row shape under `key`: 1 to 8 positive dimensions, at most OIP_LIMITS.maxSampleValues values. */
export function readShapeKey(o: JsonObject, key: string, field: string): number[] {
  const v = o[key];
  const f = `${field}.${key}`;
  if (!Array.isArray(v) || v.length === 0 || v.length > 8) throw new InvalidRequestError(f, `${key} must be an array of 1 to 8 dimensions`);
  const shape = v.map((n, i) => checkNumber(n, { integer: true, min: 1 }, `${f}[${i}]`, "each dimension"));
  if (shape.reduce((p, n) => p * n, 1) > OIP_LIMITS.maxSampleValues) {
    throw new InvalidRequestError(f, `${key} must have at most ${OIP_LIMITS.maxSampleValues} values per row`);
  }
  return shape;
}

function readRetry(v: unknown, field: string): OipRetryPolicy {
  const d = OIP_DEFAULTS.retry;
  if (v === undefined) return { ...d };
  const o = object(v, field);
  const policy = {
    maxRetries: readNumber(o, "max_retries", d.maxRetries, { integer: true, min: 0, max: OIP_LIMITS.maxRetries }, field),
    baseDelayMs: readNumber(o, "base_delay_ms", d.baseDelayMs, { min: 0, max: OIP_LIMITS.maxDelayMs }, field),
    maxDelayMs: readNumber(o, "max_delay_ms", d.maxDelayMs, { min: 0, max: OIP_LIMITS.maxDelayMs }, field),
  };
  if (policy.maxDelayMs < policy.baseDelayMs) throw new InvalidRequestError(`${field}.max_delay_ms`, "max_delay_ms must be >= base_delay_ms");
  return policy;
}

function readAuth(v: unknown, field: string): OipAuth {
  const o = object(v, field);
  const scheme = o.scheme === undefined ? OIP_DEFAULTS.auth.scheme : o.scheme;
  if (typeof scheme !== "string" || /\s/.test(scheme)) throw new InvalidRequestError(`${field}.scheme`, "scheme must be a single word or empty");
  const header = o.header === undefined ? OIP_DEFAULTS.auth.header : readString(o, "header", field);
  if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(header)) throw new InvalidRequestError(`${field}.header`, "header must be an HTTP header name");
  return { secret: readString(o, "secret", field), header, scheme };
}
