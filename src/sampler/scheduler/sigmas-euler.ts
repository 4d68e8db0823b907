// Sigmas and timesteps of diffusers' EulerAncestralDiscreteScheduler.set_timesteps(N) (and of
// EulerDiscreteScheduler's, whose use_karras_sigmas this also covers), in float64.
import { roundHalfEven } from "./timesteps.ts";
import { checkFinite, checkSteps, interpIntegerGrid, karrasSigmas, npLinspace, type SigmaPlan } from "./sigmas-common.ts";

export interface EulerSigmaConfig {
  numTrainTimesteps: number;
  timestepSpacing: "leading" | "trailing" | "linspace";
  stepsOffset: number;
  useKarrasSigmas: boolean;
}

// The spacing's timesteps, descending, as set_timesteps builds them:
//   linspace: linspace(0, T - 1, N)[::-1] (fractional)
//   leading:  (arange(N) * (T // N)).round()[::-1] + steps_offset
//   trailing: arange(T, 0, -T / N).round() - 1  (numpy fills start + i * ((start + step) - start))
// trailing keeps exactly N entries (numpy's arange can give N + 1 when T / N is inexact; the extra
// timestep -1 would only reach np.interp's clamp).
function spacingTimesteps(cfg: EulerSigmaConfig, n: number): number[] {
  const T = cfg.numTrainTimesteps;
  switch (cfg.timestepSpacing) {
    case "linspace":
      return npLinspace(0, T - 1, n).reverse();
    case "leading": {
      const ratio = Math.floor(T / n);
      return Array.from({ length: n }, (_, k) => (n - 1 - k) * ratio + cfg.stepsOffset);
    }
    case "trailing": {
      const delta = T + -(T / n) - T;
      return Array.from({ length: n }, (_, k) => roundHalfEven(T + k * delta) - 1);
    }
    default:
      throw new Error(`timestep_spacing must be one of "linspace", "leading", "trailing", got ${JSON.stringify(cfg.timestepSpacing)}`);
  }
}

/**
 * diffusers' EulerDiscreteScheduler._sigma_to_t: the fractional timestep whose log-sigma, interpolated
 * linearly between the two neighbouring training timesteps, is log(sigma). logSigmas ascend with t.
 * low = the last i with log(sigma) >= logSigmas[i] (0 when none), at most len - 2; w clipped to [0, 1].
 */
export function sigmaToT(sigma: number, logSigmas: ArrayLike<number>): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  let low = 0;
  for (let i = 0; i < logSigmas.length; i++) if (logSigma - logSigmas[i] >= 0) low = i;
  low = Math.min(low, logSigmas.length - 2);
  const high = low + 1;
  const w = Math.min(Math.max((logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[high]), 0), 1);
  return (1 - w) * low + w * high;
}

/** EulerAncestralDiscreteScheduler.set_timesteps(N) (also EulerDiscreteScheduler's sigmas). alphasCumprod: the config's alphas_cumprod (length num_train_timesteps, computed elsewhere). */
export function eulerSigmas(cfg: EulerSigmaConfig, alphasCumprod: Float64Array, N: number): SigmaPlan {
  checkSteps(N);
  const T = cfg.numTrainTimesteps;
  if (alphasCumprod.length !== T || T < 2) {
    throw new Error(`alphas_cumprod has ${alphasCumprod.length} entries, num_train_timesteps is ${T} (both must agree, at least 2)`);
  }
  const trainSigmas = Float64Array.from(alphasCumprod, (a) => Math.sqrt((1 - a) / a));
  checkFinite("training sigmas sqrt((1 - alphas_cumprod) / alphas_cumprod)", Array.from(trainSigmas));

  let timesteps = spacingTimesteps(cfg, N);
  let sigmas = timesteps.map((t) => interpIntegerGrid(t, trainSigmas));
  if (cfg.useKarrasSigmas) {
    // diffusers takes the interpolated schedule's ends: in_sigmas[-1] and in_sigmas[0].
    sigmas = karrasSigmas(sigmas[N - 1], sigmas[0], N);
    const logSigmas = trainSigmas.map(Math.log);
    timesteps = sigmas.map((s) => sigmaToT(s, logSigmas));
  }
  sigmas.push(0);
  checkFinite("sigmas", sigmas);
  checkFinite("timesteps", timesteps);

  const maxSigma = sigmas.reduce((m, s) => Math.max(m, s), -Infinity);
  const initNoiseSigma = cfg.timestepSpacing === "linspace" || cfg.timestepSpacing === "trailing" ? maxSigma : Math.sqrt(maxSigma * maxSigma + 1);
  return { sigmas, timesteps, initNoiseSigma };
}
