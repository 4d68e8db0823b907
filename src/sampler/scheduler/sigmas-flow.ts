// Sigmas and timesteps of diffusers' FlowMatchEulerDiscreteScheduler.set_timesteps(N, sigmas?, mu?),
// and the SD3 / Flux pipelines' calculate_shift, in float64.
import { betaSigmas, checkFinite, checkSteps, exponentialSigmas, karrasSigmas, npLinspace, type SigmaPlan } from "./sigmas-common.ts";

export interface FlowMatchSigmaConfig {
  numTrainTimesteps: number;
  shift: number;
  useDynamicShifting: boolean;
  baseShift: number;
  maxShift: number;
  baseImageSeqLen: number;
  maxImageSeqLen: number;
  shiftTerminal: number | null;
  timeShiftType: "exponential" | "linear";
  useKarrasSigmas: boolean;
  useExponentialSigmas: boolean;
  useBetaSigmas: boolean;
  invertSigmas?: boolean;
}

/** The SD3/Flux pipelines' calculate_shift: mu from the image sequence length. */
export function flowMatchMu(cfg: { baseShift: number; maxShift: number; baseImageSeqLen: number; maxImageSeqLen: number }, imageSeqLen: number): number {
  if (cfg.maxImageSeqLen === cfg.baseImageSeqLen) {
    throw new Error(`max_image_seq_len and base_image_seq_len are both ${cfg.baseImageSeqLen}: mu = calculate_shift(image_seq_len) divides by their difference`);
  }
  const m = (cfg.maxShift - cfg.baseShift) / (cfg.maxImageSeqLen - cfg.baseImageSeqLen);
  const b = cfg.baseShift - m * cfg.baseImageSeqLen;
  return imageSeqLen * m + b;
}

/** FlowMatchEulerDiscreteScheduler.set_timesteps(N, sigmas?, mu?) */
export function flowMatchSigmas(cfg: FlowMatchSigmaConfig, N: number, opts: { sigmas?: readonly number[]; mu?: number; imageSeqLen?: number }): SigmaPlan {
  checkSteps(N);
  const T = cfg.numTrainTimesteps;
  if (!(T > 0)) throw new Error(`num_train_timesteps must be positive, got ${T}`);
  if (Number(cfg.useKarrasSigmas) + Number(cfg.useExponentialSigmas) + Number(cfg.useBetaSigmas) > 1) {
    throw new Error("only one of use_karras_sigmas, use_exponential_sigmas, use_beta_sigmas can be set");
  }
  if (cfg.timeShiftType !== "exponential" && cfg.timeShiftType !== "linear") {
    throw new Error(`time_shift_type must be "exponential" or "linear", got ${JSON.stringify(cfg.timeShiftType)}`);
  }
  let mu = opts.mu;
  if (cfg.useDynamicShifting && mu === undefined) {
    if (opts.imageSeqLen === undefined) throw new Error("use_dynamic_shifting needs mu, or the image sequence length to compute it from");
    mu = flowMatchMu(cfg, opts.imageSeqLen);
  }
  if (cfg.useDynamicShifting && !Number.isFinite(mu)) throw new Error(`mu must be a finite number, got ${mu}`);

  const shift = cfg.shift;
  const staticShift = (s: number): number => (shift * s) / (1 + (shift - 1) * s);

  // 1. Default or custom sigmas (N of them, no final 0).
  let sigmas: number[];
  if (opts.sigmas !== undefined) {
    if (opts.sigmas.length !== N) throw new Error(`custom sigmas have ${opts.sigmas.length} entries, the number of inference steps is ${N}: they must agree`);
    sigmas = [...opts.sigmas];
    checkFinite("custom sigmas", sigmas);
  } else {
    // __init__'s training sigmas, linspace(1, T, T)[::-1] / T, are shifted unless dynamic shifting is on;
    // set_timesteps spans their ends and (step 2 below) shifts again, as diffusers does.
    const sigmaMax = cfg.useDynamicShifting ? 1 : staticShift(T / T);
    const sigmaMin = cfg.useDynamicShifting ? 1 / T : staticShift(1 / T);
    sigmas = npLinspace(sigmaMax * T, sigmaMin * T, N).map((t) => t / T);
  }

  // 2. Shift: resolution-dependent time shift with t = sigma, exponent sigma = 1, or the static shift.
  if (cfg.useDynamicShifting) {
    const m = mu as number;
    const e = Math.exp(m);
    sigmas = cfg.timeShiftType === "exponential" ? sigmas.map((t) => e / (e + (1 / t - 1))) : sigmas.map((t) => m / (m + (1 / t - 1)));
  } else {
    sigmas = sigmas.map(staticShift);
  }

  // 3. Stretch so that the last sigma is shift_terminal (skipped when it is null or 0, as diffusers' truthiness test does).
  if (cfg.shiftTerminal) {
    const scale = (1 - sigmas[N - 1]) / (1 - cfg.shiftTerminal);
    sigmas = sigmas.map((t) => 1 - (1 - t) / scale);
  }

  // 4. Karras / exponential / beta re-spacing between this schedule's ends.
  if (cfg.useKarrasSigmas) sigmas = karrasSigmas(sigmas[N - 1], sigmas[0], N);
  else if (cfg.useExponentialSigmas) sigmas = exponentialSigmas(sigmas[N - 1], sigmas[0], N);
  else if (cfg.useBetaSigmas) sigmas = betaSigmas(sigmas[N - 1], sigmas[0], N);

  // 5-6. Timesteps, and the terminal sigma (Mochi's invert_sigmas: 1 - sigma, ending at 1).
  if (cfg.invertSigmas) sigmas = sigmas.map((s) => 1 - s);
  const timesteps = sigmas.map((s) => s * T);
  sigmas.push(cfg.invertSigmas ? 1 : 0);
  checkFinite("sigmas", sigmas);
  checkFinite("timesteps", timesteps);
  return { sigmas, timesteps, initNoiseSigma: 1 };
}
