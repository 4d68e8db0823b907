// The embedded analytic models, always configured: the product runs with no GPU and no account.
import { builtinModels } from "../models/index.ts";
import { DEFAULT_DRAFT } from "../sampler/options.ts";
import type { ModelConfig, ModelDefaults } from "./types.ts";

// DDPM as diffusers trains it, except clip_sample: the ring and gmm-512 live outside [-1, 1],
// and clipping x0_hat would bias every model whose data is not an image in [-1, 1].
export const ANALYTIC_SCHEDULER: Readonly<Record<string, unknown>> = {
  _class_name: "DDPMScheduler",
  num_train_timesteps: 1000,
  beta_schedule: "linear",
  beta_start: 0.0001,
  beta_end: 0.02,
  prediction_type: "epsilon",
  variance_type: "fixed_small",
  timestep_spacing: "leading",
  clip_sample: false,
};

// 100 steps: short enough to answer in well under a second, long enough that speculation pays.
/** The built-ins' defaults; also the base of configured entries and the defaults of inline mixtures. */
export const BUILTIN_DEFAULTS: ModelDefaults = { steps: 100, method: "block", draft: DEFAULT_DRAFT };

/** One config entry per built-in mixture, under the mixture's own id. */
export const builtinConfigs = (): ModelConfig[] =>
  builtinModels().map((m) => ({
    id: m.id,
    description: m.description,
    provider: "embedded",
    shape: m.shape,
    scheduler: ANALYTIC_SCHEDULER,
    defaults: BUILTIN_DEFAULTS,
    mixture: m.id,
  }));
