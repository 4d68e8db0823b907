// The request's scheduler: the model's diffusers config with the request's overrides on top, refused when it
// cannot be sampled exactly the way the request asks.
import { InvalidRequestError } from "../errors.ts";
import { buildSchedule, parseSchedulerConfig, type Schedule, type SchedulerConfig } from "../sampler/scheduler/index.ts";
import type { DraftOptions, Method } from "../sampler/options.ts";
import type { ResolvedModel } from "./model.ts";
import type { SampleRequest } from "./schemas/index.ts";

/** Builds the N-step plan; errors name `steps`, `method`, `draft.freeze` or `scheduler.<key>`. */
export const scheduleFor = (model: ResolvedModel, overrides: SampleRequest["scheduler"], steps: number, method: Method, draft: DraftOptions): Schedule => {
  const { type, eta, noise_level: noiseLevel, sigmas, mu, ...keys } = overrides ?? {};
  const merged = { ...model.scheduler, ...keys };
  const config = parseSchedulerConfig(merged, { type, field: "scheduler" });
  // A learned model answers in its own prediction type; an analytic mixture answers in whatever the sampler reads.
  if (!model.mixture) {
    const base = parseSchedulerConfig(model.scheduler, { field: "scheduler" });
    if (config.predictionType !== base.predictionType) {
      throw new InvalidRequestError("scheduler.prediction_type", `model "${model.id}" predicts ${base.predictionType}; a scheduler that reads ${config.predictionType} cannot sample it`);
    }
  }
  if (method !== "sequential") refuseDeterministic(config, eta, noiseLevel);
  if (config.kind === "flow_match" && method !== "sequential" && draft.freeze === "eps") {
    throw new InvalidRequestError("draft.freeze", "flow matching starts at sigma = 1, where a frozen eps says nothing about x0: use freeze x0");
  }
  return buildSchedule(config, steps, {
    eta, noiseLevel, sigmas, mu, imageSeqLen: imageSeqLen(model.shape),
    stepsField: "steps", etaField: "scheduler.eta", configField: "scheduler",
  });
};

// Speculation needs a Gaussian kernel with noise: an ODE sampler's steps are point masses no draft can match.
function refuseDeterministic(config: SchedulerConfig, eta: number | undefined, noiseLevel: number | undefined): void {
  const refuse = (field: string, what: string, instead: string) => {
    throw new InvalidRequestError(field, `${what} is deterministic and cannot be speculated exactly; use method "sequential", or ${instead}`);
  };
  if (config.kind === "euler") refuse("scheduler._class_name", "EulerDiscreteScheduler", "its stochastic counterpart EulerAncestralDiscreteScheduler");
  if (config.kind === "ddim" && eta === 0) refuse("scheduler.eta", "DDIM with eta = 0", "eta > 0 (eta = 1 is DDPM-like)");
  if (config.kind === "flow_match" && noiseLevel === undefined && !config.flow.stochasticSampling) {
    refuse("scheduler._class_name", "FlowMatchEulerDiscreteScheduler without noise", "scheduler.stochastic_sampling: true or scheduler.noise_level (the SDE form)");
  }
}

// The SD3 / Flux pipelines' image sequence length: 2 x 2 patches of a [C, H, W] latent.
const imageSeqLen = (shape: readonly number[]): number | undefined =>
  shape.length === 3 ? Math.floor(shape[1] / 2) * Math.floor(shape[2] / 2) : undefined;
