// What the learned benchmark samples: the digits network in process (onnxruntime-node, the exact
// float32 outputs the provider serves) and analytic mixtures of the same dimension d = 64 as controls.
import type { Core } from "../../src/core/instance.ts";
import { ANALYTIC_SCHEDULER } from "../../src/config/index.ts";
import { embeddedDenoiser } from "../../src/denoisers/embedded.ts";
import type { Denoiser } from "../../src/denoisers/port.ts";
import { buildSeededMixture } from "../../src/models/mixture512.ts";
import { DEFAULT_DRAFT, type DraftOptions, type Method } from "../../src/sampler/options.ts";
import { runSampler, type SampleRun } from "../../src/sampler/run.ts";
import { buildSchedule, parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import { newCore } from "../../tools/fixtures/core.ts";
import { mixture64 } from "../../tools/fixtures/sampler.ts";
import { loadOnnxDenoiser } from "../../tools/provider/onnx-model.ts";
import { DIGITS_MODEL_PATH, digitsSchedulerConfig } from "../../tools/learned/digits.ts";
import { onnxPort } from "../../tools/learned/onnx-port.ts";

export interface Target {
  id: string;
  /** The model's diffusers config: digits clips x0_hat to [-1, 1]; the mixtures live outside it and do not. */
  scheduler: Record<string, unknown>;
  denoiser(core: Core): Denoiser;
  release(): Promise<void>;
}

export const digitsTarget = async (): Promise<Target> => {
  const onnx = await loadOnnxDenoiser(DIGITS_MODEL_PATH);
  const port = onnxPort(onnx);
  return { id: "digits", scheduler: digitsSchedulerConfig(), denoiser: () => port, release: () => onnx.release() };
};

/** gmm-64: gmm-512's seeded construction at d = 64 (8 components, std 0.5); mix-64: the exactness tests' 4 components, std 0.4. */
export const mixtureTargets = (): Target[] =>
  [buildSeededMixture(64), mixture64()].map((m) => ({
    id: m.id,
    scheduler: { ...ANALYTIC_SCHEDULER },
    denoiser: (core: Core) => embeddedDenoiser(core, m),
    release: async () => {},
  }));

export interface Spec {
  steps: number;
  method: Method;
  draft?: Partial<DraftOptions>;
  chains: number;
  seed: number;
}

/** One request's worth of sampling on `target`, in a fresh core as the Worker gives each request. */
export const runOn = (target: Target, spec: Spec): Promise<SampleRun> => {
  const core = newCore();
  const schedule = buildSchedule(parseSchedulerConfig(target.scheduler), spec.steps);
  return runSampler(core, target.denoiser(core), { method: spec.method, draft: { ...DEFAULT_DRAFT, ...spec.draft }, schedule, numChains: spec.chains, seed: spec.seed });
};
