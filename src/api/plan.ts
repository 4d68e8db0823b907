// Translates a validated request into sampler options, checking what the schema cannot
// (model, steps against the schedule, output against the model's shape) and the size limits.
import type { ModelCatalog } from "../config/index.ts";
import { InvalidRequestError } from "../errors.ts";
import { componentCount } from "../models/index.ts";
import { DEFAULT_DRAFT, type SamplerOptions } from "../sampler/options.ts";
import type { ImageLayout } from "./encode/index.ts";
import { checkLimits, requestBytes, type RequestSize } from "./limits.ts";
import { imageLayout, resolveModel, type ResolvedModel } from "./model.ts";
import { scheduleFor } from "./schedule.ts";
import type { OutputFormat, SampleRequest } from "./schemas/index.ts";
import { resolveSeed } from "./seed.ts";

export interface SamplePlan {
  model: ResolvedModel;
  options: SamplerOptions;
  output: OutputFormat;
  /** The model's image layout, or null when its shape is not an image. */
  image: ImageLayout | null;
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
  const image = imageLayout(model.shape);
  if (output === "png" && !image) {
    const asked = req.output === undefined ? " (asked for by Accept: image/png; send \"output\": \"json\" or another Accept)" : "";
    throw new InvalidRequestError("output", `model "${model.id}" has shape [${model.shape.join(", ")}], not an image ([H, W] or [1|3, H, W])${asked}`);
  }
  const steps = req.steps ?? model.defaults.steps;
  const method = req.method ?? model.defaults.method;
  const draft = { ...model.defaults.draft, ...req.draft };
  const schedule = scheduleFor(model, req.scheduler, steps, method, { ...DEFAULT_DRAFT, ...draft });
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
  };
  checkLimits(size);
  const options: SamplerOptions = { method, draft, schedule, numChains: req.num_samples, seed: resolveSeed(req.seed) };
  return { model, options, output, image, stream, memoryBytes: requestBytes(size) };
};
