// Configuration of one model served over the Open Inference Protocol v2, with its defaults.
import type { PredictionType } from "../port.ts";

/** Tensor element types this client puts on (or reads from) the wire. */
export type WireDtype = "FP32" | "FP16";
/** Element types a model may declare for its timestep input. */
export type TimestepDtype = "INT64" | "INT32" | "FP32" | "FP64";

/** The conditioning input a conditional model takes besides sample and timestep (src/config/pipeline.ts). */
export type OipConditioning =
  | { readonly kind: "class_labels"; readonly input: string }
  | { readonly kind: "prompt"; readonly input: string; readonly embeddingShape: readonly number[] };

/** Inputs of a model that applies classifier-free guidance itself. */
export interface OipProviderGuidance {
  /** FP32, one guidance scale per row. */
  readonly input: string;
  /** Prompt models: the negative prompt's embedding per row, in the wire dtype. */
  readonly negativeInput?: string;
}

export interface OipRetryPolicy {
  /** Retries after the first attempt (timeouts, 5xx, 408/429, connection errors only). */
  readonly maxRetries: number;
  /** Backoff before retry n (0-based) is drawn in [cap/2, cap), cap = min(maxDelayMs, baseDelayMs * 2^n). */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface OipAuth {
  /** Name of the Worker secret holding the token; the caller reads it from env and passes the value in. */
  readonly secret: string;
  /** Header carrying the token. */
  readonly header: string;
  /** Prefix before the token ("Bearer"); empty sends the bare token (e.g. an x-api-key header). */
  readonly scheme: string;
}

/** One remote denoiser: where it lives, what its tensors are called and look like, how to call it. */
export interface OipModelConfig {
  /** Provider root, without /v2 (e.g. https://triton.example.com). */
  readonly baseUrl: string;
  readonly modelName: string;
  /** Pinned model version; absent lets the server choose. */
  readonly modelVersion?: string;
  /** Input tensor names: the noisy sample (rows, ...sampleShape) and the timestep (rows) or (rows, 1). */
  readonly inputs: { readonly sample: string; readonly timestep: string };
  /** Output tensor name: the prediction, (rows, ...sampleShape). */
  readonly output: string;
  /** Shape of one row, without the batch dimension ([2], [4, 64, 64]). */
  readonly sampleShape: readonly number[];
  readonly predictionType: PredictionType;
  /** Element type of the sample input and of the output on the wire. */
  readonly wireDtype: WireDtype;
  /** Binary tensor extension (true) or JSON tensors (false). */
  readonly binary: boolean;
  /** A round with more rows is split into several calls of at most this many rows. */
  readonly maxRowsPerCall: number;
  /** Calls of one round in flight at once (a Worker has 6 simultaneous outgoing connections). */
  readonly maxConcurrentCalls: number;
  /** Per attempt, from sending the request to the last byte of the answer. */
  readonly timeoutMs: number;
  readonly retry: OipRetryPolicy;
  readonly auth?: OipAuth;
  /** A conditional model's conditioning input (absent: unconditional). */
  readonly conditioning?: OipConditioning;
  /** A model that guides itself (absent: guidance, if any, doubles rows in the Worker). */
  readonly guidance?: OipProviderGuidance;
}

export const OIP_DEFAULTS = {
  predictionType: "epsilon",
  wireDtype: "FP32",
  binary: true,
  maxRowsPerCall: 256,
  maxConcurrentCalls: 6,
  timeoutMs: 30_000,
  retry: { maxRetries: 3, baseDelayMs: 100, maxDelayMs: 2_000 },
  auth: { header: "Authorization", scheme: "Bearer" },
} as const;

/** Bounds that keep one configuration inside a Worker's memory and subrequest budget. */
export const OIP_LIMITS = {
  maxRowsPerCall: 65_536,
  maxConcurrentCalls: 64,
  maxTimeoutMs: 600_000,
  maxRetries: 10,
  maxDelayMs: 60_000,
  maxSampleValues: 16_777_216,
} as const;

/** Values per row: the product of the sample shape. */
export const rowSize = (config: OipModelConfig): number => config.sampleShape.reduce((p, n) => p * n, 1);
