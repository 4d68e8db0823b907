// The pipeline stages around a conditional denoiser, as the API sees them: a prompt encoder and a
// latent decoder. src/denoisers/oip/stage.ts implements them over OIP v2.

export interface EncodeResult {
  /** One embedding per prompt, in the order asked. */
  embeddings: Float32Array[];
  /** Provider calls made (0 when every prompt was cached) and distinct prompts that came from the cache. */
  calls: number;
  cached: number;
}

export interface PromptEncoder {
  /** Values of one embedding. */
  readonly embeddingShape: readonly number[];
  encode(prompts: readonly string[], signal?: AbortSignal): Promise<EncodeResult>;
}

export interface DecodeResult {
  /** rows x output values, row-major. */
  images: Float32Array;
  calls: number;
}

export interface LatentDecoder {
  /** Shape of one decoded sample ([3, 512, 512]) and the range its values lie in. */
  readonly outputShape: readonly number[];
  readonly outputRange: readonly [number, number];
  /** Most rows one call carries (memory per call). */
  readonly maxRowsPerCall: number;
  readonly wireBytes: number;
  decode(latents: Float32Array, rows: number, signal?: AbortSignal): Promise<DecodeResult>;
}

/** A model's stages; either may be absent. */
export interface PipelineStages {
  encoder?: PromptEncoder;
  decoder?: LatentDecoder;
}
