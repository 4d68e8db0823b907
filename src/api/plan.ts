// Translates a validated request into sampler options, checking what the schema cannot
// (model, steps against the schedule, output against the model's shape) and the size limits.
import type { ModelCatalog } from "../config/index.ts";
import { InvalidRequestError } from "../errors.ts";
import type { SamplerOptions } from "../sampler/options.ts";
import { checkLimits } from "./limits.ts";
import { imageLayout, resolveModel, type ResolvedModel } from "./model.ts";
import { scheduleFor } from "./schedule.ts";
import type { OutputFormat, SampleRequest } from "./schemas/index.ts";
import { resolveSeed } from "./seed.ts";

export interface SamplePlan {
  model: ResolvedModel;
  options: SamplerOptions;
  output: OutputFormat;
  stream: boolean;
}

/** `acceptsStream`: the client sent Accept: text/event-stream. Throws InvalidRequestError / LimitError. */
export const planRequest = (req: SampleRequest, catalog: ModelCatalog, acceptsStream = false): SamplePlan => {
  const model = resolveModel(req.model, catalog);
  const stream = req.stream || acceptsStream;
  if (stream && req.output !== "json") {
    throw new InvalidRequestError("stream", `streaming answers JSON events; output "${req.output}" cannot be streamed`);
  }
  if (req.output === "png" && !imageLayout(model.shape)) {
    throw new InvalidRequestError("output", `model "${model.id}" has shape [${model.shape.join(", ")}], not an image ([H, W] or [1|3, H, W])`);
  }
  const steps = req.steps ?? model.defaults.steps;
  const method = req.method ?? model.defaults.method;
  const draft = { ...model.defaults.draft, ...req.draft };
  const schedule = scheduleFor(model, req.scheduler, steps);
  checkLimits({
    numSamples: req.num_samples,
    dim: model.dim,
    steps,
    window: method === "sequential" ? 1 : draft.window,
    components: model.mixture ? model.mixture.weights.length : 0,
  });
  const options: SamplerOptions = { method, draft, schedule, numChains: req.num_samples, seed: resolveSeed(req.seed) };
  return { model, options, output: req.output, stream };
};
