// The request's scheduler: the model's diffusers config with the request's overrides on top.
import { InvalidRequestError } from "../errors.ts";
import { buildSchedule, parseSchedulerConfig, type Schedule } from "../sampler/scheduler/index.ts";
import type { ResolvedModel } from "./model.ts";
import type { SampleRequest } from "./schemas/index.ts";

/** Builds the N-step plan; errors name `steps` or `scheduler.<key>`. */
export const scheduleFor = (model: ResolvedModel, overrides: SampleRequest["scheduler"], steps: number): Schedule => {
  const { type, eta, ...keys } = overrides ?? {};
  const merged = { ...model.scheduler, ...keys };
  const config = parseSchedulerConfig(merged, { type, field: "scheduler" });
  // The sampler reads model outputs as the config's prediction type: it is the model's, not the request's.
  const base = parseSchedulerConfig(model.scheduler, { field: "scheduler" });
  if (config.predictionType !== base.predictionType) {
    throw new InvalidRequestError("scheduler.prediction_type", `model "${model.id}" predicts ${base.predictionType}; prediction_type cannot be overridden`);
  }
  return buildSchedule(config, steps, { eta, stepsField: "steps", etaField: "scheduler.eta", configField: "scheduler" });
};
