// The plans of the sigma-parameterised samplers: Euler (ancestral or not) on the config's betas, and
// flow matching, from the sigmas diffusers' set_timesteps builds (sigmas.ts) to per-step Gaussian kernels.
import { InvalidRequestError } from "../../errors.ts";
import { alphasCumprodFor } from "./betas.ts";
import { flowStep, sigmaStep, type FlowNoise } from "./coefficients.ts";
import { eulerSigmas, flowMatchSigmas, type SigmaPlan } from "./sigmas.ts";
import { checkNumSteps } from "./timesteps.ts";
import type { ScheduleStep, SchedulerConfig } from "./types.ts";

export interface SigmaOptions {
  /** Flow matching's SDE noise level a (request field noise_level); absent: stochastic_sampling or the plain ODE. */
  readonly noiseLevel?: number;
  /** Custom flow-matching sigmas (set_timesteps(sigmas=...)), N of them, descending in (0, 1]. */
  readonly sigmas?: readonly number[];
  /** Dynamic shifting's mu; or imageSeqLen, from which the SD3 / Flux pipelines compute it. */
  readonly mu?: number;
  readonly imageSeqLen?: number;
  readonly configField: string;
  readonly stepsField: string;
}

export interface SigmaSchedule {
  timesteps: number[];
  steps: ScheduleStep[];
  initNoiseSigma: number;
  /** The config's alphas_cumprod (Euler), empty for flow matching, which has no betas. */
  alphasCumprod: Float64Array;
}

export function buildSigmaSchedule(config: SchedulerConfig, n: number, opts: SigmaOptions): SigmaSchedule {
  checkNumSteps(n, config.numTrainTimesteps, opts.stepsField);
  const alphasCumprod = config.kind === "flow_match" ? new Float64Array(0) : alphasCumprodFor(config);
  const plan = sigmaPlan(config, n, alphasCumprod, opts);
  const { sigmas, timesteps } = plan;
  const next = (k: number) => (k + 1 < timesteps.length ? timesteps[k + 1] : -1);
  if (config.kind === "euler_ancestral" || config.kind === "euler") {
    const ancestral = config.kind === "euler_ancestral";
    const steps = timesteps.map((t, k) => sigmaStep(t, next(k), sigmas[k], sigmas[k + 1], ancestral));
    return { timesteps, steps, initNoiseSigma: plan.initNoiseSigma, alphasCumprod };
  }
  const noise = flowNoise(config, sigmas, opts);
  const steps = timesteps.map((t, k) => flowStep(t, next(k), sigmas[k], sigmas[k + 1], noise));
  return { timesteps, steps, initNoiseSigma: plan.initNoiseSigma, alphasCumprod };
}

// The noise of a flow-matching step: the request's SDE level wins over the config's stochastic_sampling.
function flowNoise(config: SchedulerConfig, sigmas: readonly number[], opts: SigmaOptions): FlowNoise {
  if (opts.noiseLevel !== undefined) {
    if (!(opts.noiseLevel > 0 && opts.noiseLevel <= 2)) throw new InvalidRequestError(`${opts.configField}.noise_level`, "noise_level must be in (0, 2]");
    const belowOne = sigmas.find((s) => s < 1 && s > 0);
    if (belowOne === undefined) throw new InvalidRequestError(`${opts.configField}.noise_level`, "the SDE needs a sigma strictly between 0 and 1");
    return { kind: "sde", level: opts.noiseLevel, belowOne };
  }
  return config.flow.stochasticSampling ? { kind: "stochastic" } : { kind: "ode" };
}

function sigmaPlan(config: SchedulerConfig, n: number, alphasCumprod: Float64Array, opts: SigmaOptions): SigmaPlan {
  try {
    if (config.kind !== "flow_match") {
      const cfg = { numTrainTimesteps: config.numTrainTimesteps, timestepSpacing: config.timestepSpacing, stepsOffset: config.stepsOffset, useKarrasSigmas: config.useKarrasSigmas };
      return eulerSigmas(cfg, alphasCumprod, n);
    }
    if (opts.sigmas && opts.sigmas.length !== n) {
      throw new InvalidRequestError(`${opts.configField}.sigmas`, `expected ${n} sigmas (one per step), got ${opts.sigmas.length}`);
    }
    return flowMatchSigmas({ numTrainTimesteps: config.numTrainTimesteps, useKarrasSigmas: config.useKarrasSigmas, ...config.flow }, n, {
      sigmas: opts.sigmas, mu: opts.mu, imageSeqLen: opts.imageSeqLen,
    });
  } catch (e) {
    if (e instanceof InvalidRequestError) throw e;
    // diffusers' own refusals (dynamic shifting without mu, ...): the request's scheduler at fault.
    throw new InvalidRequestError(opts.configField, e instanceof Error ? e.message : String(e));
  }
}
