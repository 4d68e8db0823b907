// Settings of a pipeline's encoder and decoder stages (MODELS entry keys "encoder" and "decoder"): an OIP
// model each, with its own server, credentials and limits. Errors name the key.
import { checkNumber, type JsonObject } from "../../sampler/scheduler/fields.ts";
import { object, parseConnection, readName, type OipConnectionSettings } from "./parse.ts";

export interface OipStageConfig extends OipConnectionSettings {
  readonly input: string;
  readonly output: string;
}

/** Prompts in (BYTES [n]), embeddings out ([n, ...embeddingShape] in the wire dtype). */
export interface OipEncoderConfig extends OipStageConfig {
  readonly embeddingShape: readonly number[];
  /** Embeddings the isolate keeps, least recently used first out. */
  readonly cacheEntries: number;
}

/** Latents in ([rows, ...latent shape]), images out ([rows, ...outputShape], values in outputRange). */
export interface OipDecoderConfig extends OipStageConfig {
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly outputRange: readonly [number, number];
}

/** Most embeddings an encoder stage may keep (each entry is bounded by MAX_EMBEDDING_VALUES too). */
export const MAX_CACHE_ENTRIES = 4096;
export const DEFAULT_CACHE_ENTRIES = 256;

const stage = (o: JsonObject, field: string): OipStageConfig => ({
  ...parseConnection(o, field),
  input: readName(o, "input", field),
  output: readName(o, "output", field),
});

export function parseEncoderConfig(input: unknown, embeddingShape: readonly number[], field = "encoder"): OipEncoderConfig {
  const o = object(input, field);
  const cacheEntries = o.cache_entries === undefined ? DEFAULT_CACHE_ENTRIES
    : checkNumber(o.cache_entries, { integer: true, min: 0, max: MAX_CACHE_ENTRIES }, `${field}.cache_entries`, "cache_entries");
  return { ...stage(o, field), embeddingShape, cacheEntries };
}

/** `outputShape` and `outputRange` come from the entry (src/config/pipeline.ts); the rest from its settings. */
export function parseDecoderConfig(input: unknown, latentShape: readonly number[], out: { outputShape: readonly number[]; outputRange: readonly [number, number] }, field = "decoder"): OipDecoderConfig {
  const o = object(input, field);
  return { ...stage(o, field), inputShape: latentShape, outputShape: out.outputShape, outputRange: out.outputRange };
}
