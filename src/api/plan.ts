// Translates a validated request into sampler options, checking what the schema cannot
// (model, steps against the schedule, output against the model's shape) and the size limits.
import type { ModelCatalog } from "../config/index.ts";
import { InvalidRequestError } from "../errors.ts";
import { componentCount } from "../models/index.ts";
import type { SamplerOptions } from "../sampler/options.ts";
import { draftOptions } from "./draft.ts";
import type { ImageLayout } from "./encode/index.ts";
import { checkLimits, requestBytes, type RequestSize } from "./limits.ts";
import { imageLayout, resolveModel, type ResolvedModel } from "./model.ts";
import { scheduleFor } from "./schedule.ts";
import type { OutputFormat, SampleRequest } from "./schemas/index.ts";
import { resolveSeed } from "./seed.ts";
import { planConditioning, promptsToEncode, type ConditioningPlan } from "./conditioning.ts";
import { OIP_DEFAULTS } from "../denoisers/oip/config.ts";

export interface SamplePlan {
  model: ResolvedModel;
  options: SamplerOptions;
  output: OutputFormat;
  /** The answer's image layout (the decoded sample's with a decoder), or null when it is not an image. */
  image: ImageLayout | null;
  /** Shape of one answered sample: the decoded image's, or the model's. */
  answerShape: readonly number[];
  conditioning: ConditioningPlan;
  stream: boolean;
  /** Estimated peak memory (limits.ts), reserved against the isolate's budget while the request runs. */
  memoryBytes: number;
}

/** `acceptsStream`: the client sent Accept: text/event-stream; `accepted`: the format its Accept header
 * asks for (negotiate.ts), used when the body names no output and the answer is not a stream.
 * Throws InvalidRequestError / LimitError / ModelUnavailableError. */
export const planRequest = (req: SampleRequest, catalog: ModelCatalog, acceptsStream = false, accepted: OutputFormat = "json"): SamplePlan => {
  const model = resolveModel(req.model, catalog);
  const stream = req.stream || acceptsStream;
  const output = req.output ?? (stream ? "json" : accepted);
  if (stream && output !== "json") {
    throw new InvalidRequestError("stream", `streaming answers JSON events; output "${output}" cannot be streamed`);
  }
  const conditioning = planConditioning(req, model);
  const decoder = conditioning.decode ? model.config?.pipeline?.decoder : undefined;
  const answerShape = decoder?.outputShape ?? model.shape;
  const image = imageLayout(answerShape);
  if (output === "png" && !image) {
    const asked = req.output === undefined ? " (asked for by Accept: image/png; send \"output\": \"json\" or another Accept)" : "";
    const whose = decoder ? "decodes to" : conditioning.kind !== "none" || model.config?.pipeline?.decoder ? "has latents of" : "has";
    throw new InvalidRequestError("output", `model "${model.id}" ${whose} shape [${answerShape.join(", ")}], not an image ([H, W] or [1|3, H, W])${asked}`);
  }
  const steps = req.steps ?? model.defaults.steps;
  const method = req.method ?? model.defaults.method;
  const draft = draftOptions(model, req.draft);
  const schedule = scheduleFor(model, withDefaultNoise(req.scheduler, model), steps, method, draft);
  const size: RequestSize = {
    numSamples: req.num_samples,
    dim: model.dim,
    steps,
    window: method === "sequential" ? 0 : draft.window,
    frozenTarget: method !== "sequential" && draft.type === "frozen-target",
    preview: stream,
    components: model.mixture ? componentCount(model.mixture) : 0,
    wireBytes: model.mixture ? 0 : model.config?.settings?.wire_dtype === "FP16" ? 2 : 4,
    output,
    image: output === "png" ? image : null,
    inlineValues: model.config === undefined && model.mixture ? model.mixture.means.length : 0,
    ...pipelineSize(model, conditioning),
  };
  checkLimits(size);
  const options: SamplerOptions = { method, draft, schedule, numChains: req.num_samples, seed: resolveSeed(req.seed) };
  return { model, options, output, image, answerShape, conditioning, stream, memoryBytes: requestBytes(size) };
};

/** The model's default SDE noise level, unless the request chose the flow sampler's noise itself. */
const withDefaultNoise = (s: SampleRequest["scheduler"], model: ResolvedModel): SampleRequest["scheduler"] =>
  model.defaults.noiseLevel === undefined || s?.noise_level !== undefined || s?.stochastic_sampling !== undefined
    ? s
    : { ...s, noise_level: model.defaults.noiseLevel };

const values = (shape: readonly number[]) => shape.reduce((p, n) => p * n, 1);

/** What a conditional model's pipeline adds to the request's size: doubled rows, conditioning bytes, embeddings, decoding. */
const pipelineSize = (model: ResolvedModel, c: ConditioningPlan): Partial<RequestSize> => {
  const p = model.config?.pipeline;
  if (!p) return {};
  const settings = model.config?.settings ?? {};
  const wire = settings.wire_dtype === "FP16" ? 2 : 4;
  const embedding = p.conditioning?.kind === "prompt" ? values(p.conditioning.embeddingShape) : 0;
  const negativeSent = p.guidance.mode === "provider" && p.guidance.negativeInput !== undefined;
  const perRow = p.conditioning?.kind === "class_labels" ? 8 : embedding * wire * (negativeSent ? 2 : 1);
  const guidanceBytes = p.guidance.mode === "provider" ? 4 : 0;
  const prompts = promptsToEncode(c, true).length;
  const d = c.decode ? p.decoder : undefined;
  const decoderRows = Number(d?.settings.max_rows_per_call ?? OIP_DEFAULTS.maxRowsPerCall);
  return {
    rowsPerEvaluation: c.rowsPerEvaluation,
    conditionBytesPerRow: perRow + guidanceBytes,
    // Each distinct prompt's embedding, and the encoder's answer holding them at once.
    embeddingBytes: 2 * prompts * embedding * 4,
    decoded: d ? { dim: values(d.outputShape), callRows: decoderRows, wireBytes: d.settings.wire_dtype === "FP16" ? 2 : 4 } : undefined,
  };
};
