// A conditional model's pipeline in its MODELS entry: what the denoiser is conditioned on, how guidance
// is applied, and the optional encoder (prompts to embeddings) and decoder (latents to images) stages.
// Stage connection settings (URL, tensor names, auth, retries) are checked by the provider adapter.
import { z } from "@hono/zod-openapi";

/** Largest embedding a prompt model may declare per row (SD3's [333, 4096] is 1.4 M values). */
export const MAX_EMBEDDING_VALUES = 2 ** 21;

const tensorName = z.string().regex(/^[A-Za-z0-9_.:\-]{1,256}$/, "a tensor name of letters, digits and _ . : -");

export const ConditioningEntry = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("class_labels"),
    /** The denoiser's INT64 input carrying one class id per row. */
    input: tensorName,
    num_classes: z.int().min(1).max(1_000_000),
    /** The id of "no class", used for the unconditional rows of guidance (DiT: num_classes). */
    null_class: z.int().min(0).max(1_000_000),
  }),
  z.strictObject({
    type: z.literal("prompt"),
    /** The denoiser's FP32 input carrying one prompt embedding per row. */
    input: tensorName,
    /** Shape of one row's embedding, without the batch dimension ([77, 768] for SD 1.5). */
    embedding_shape: z.array(z.int().positive()).min(1).max(4),
  }),
]);

export const GuidanceEntry = z.strictObject({
  /** guidance_scale when a request gives none; 1 is no guidance. */
  default_scale: z.number().min(0).max(100).default(1),
  /** rows: the Worker sends a conditional and an unconditional row per chain and combines them;
   * provider: the model takes guidance_scale itself (one row per chain). */
  mode: z.enum(["rows", "provider"]).default("rows"),
  /** provider mode: the FP32 input carrying each row's guidance scale. */
  input: tensorName.optional(),
  /** provider mode with prompts: the input carrying each row's negative-prompt embedding. */
  negative_input: tensorName.optional(),
});

/** Stage settings stay raw here: the provider adapter parses them (src/denoisers/oip/stage-config.ts). */
export const StageSettings = z.record(z.string(), z.unknown());

/** The decoder's connection settings stay raw; what the answer's shape depends on is read here. */
export const DecoderEntry = z.looseObject({
  /** Shape of one decoded sample ([1, 8, 8], [3, 512, 512]). */
  output_shape: z.array(z.int().positive()).min(1).max(8),
  /** Range of the decoded values, mapped to 0..255 in png answers. */
  output_range: z.tuple([z.number(), z.number()]).default([-1, 1]),
});

export type ConditioningConfig =
  | { readonly kind: "class_labels"; readonly input: string; readonly numClasses: number; readonly nullClass: number }
  | { readonly kind: "prompt"; readonly input: string; readonly embeddingShape: readonly number[] };

export interface GuidanceConfig {
  readonly defaultScale: number;
  readonly mode: "rows" | "provider";
  readonly input?: string;
  readonly negativeInput?: string;
}

export interface PipelineConfig {
  readonly conditioning?: ConditioningConfig;
  readonly guidance: GuidanceConfig;
  /** Raw stage settings, checked by the provider adapter. */
  readonly encoder?: Readonly<Record<string, unknown>>;
  readonly decoder?: DecoderConfig;
}

export interface DecoderConfig {
  readonly outputShape: readonly number[];
  readonly outputRange: readonly [number, number];
  /** All the entry's decoder keys, checked by the provider adapter. */
  readonly settings: Readonly<Record<string, unknown>>;
}

export interface PipelineEntryFields {
  conditioning?: z.infer<typeof ConditioningEntry>;
  guidance?: z.infer<typeof GuidanceEntry>;
  encoder?: Record<string, unknown>;
  decoder?: z.infer<typeof DecoderEntry>;
}

/** The entry's pipeline, or undefined for a plain unconditional model; throws Error naming the key. */
export const pipelineOf = (e: PipelineEntryFields, provider: string): PipelineConfig | undefined => {
  if (!e.conditioning && !e.guidance && !e.encoder && !e.decoder) return undefined;
  if (provider === "embedded") throw new Error("conditioning, guidance, encoder and decoder need a remote provider (oip)");
  const c = e.conditioning;
  const conditioning: ConditioningConfig | undefined =
    c === undefined ? undefined
    : c.type === "class_labels" ? { kind: "class_labels", input: c.input, numClasses: c.num_classes, nullClass: c.null_class }
    : { kind: "prompt", input: c.input, embeddingShape: c.embedding_shape };
  if (c?.type === "class_labels" && c.null_class < c.num_classes) {
    throw new Error(`conditioning.null_class ${c.null_class} is one of the classes 0..${c.num_classes - 1}; the null class must be outside them`);
  }
  if (c?.type === "prompt") {
    const values = c.embedding_shape.reduce((p, n) => p * n, 1);
    if (values > MAX_EMBEDDING_VALUES) throw new Error(`conditioning.embedding_shape has ${values} values; at most ${MAX_EMBEDDING_VALUES}`);
    if (!e.encoder) throw new Error(`conditioning.type "prompt" needs an "encoder" stage`);
  }
  if (e.encoder && c?.type !== "prompt") throw new Error(`"encoder" serves prompts: it needs conditioning.type "prompt"`);
  const g = e.guidance ?? { default_scale: 1, mode: "rows" as const };
  if (!conditioning && (g.default_scale !== 1 || e.guidance)) throw new Error(`"guidance" needs "conditioning"`);
  if (g.mode === "provider" && !g.input) throw new Error(`guidance.mode "provider" needs guidance.input, the model's guidance-scale input`);
  if (g.mode === "rows" && (g.input || g.negative_input)) throw new Error(`guidance.input and guidance.negative_input are for guidance.mode "provider"`);
  if (g.negative_input && c?.type !== "prompt") throw new Error(`guidance.negative_input needs conditioning.type "prompt"`);
  const d = e.decoder;
  if (d && !(d.output_range[0] < d.output_range[1])) throw new Error("decoder.output_range must be [low, high] with low < high");
  return {
    conditioning,
    guidance: { defaultScale: g.default_scale, mode: g.mode, input: g.input, negativeInput: g.negative_input },
    encoder: e.encoder,
    decoder: d && { outputShape: d.output_shape, outputRange: d.output_range, settings: d },
  };
};
