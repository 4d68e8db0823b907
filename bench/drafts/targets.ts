// What bench:drafts and bench:dimension sample: analytic mixtures (embedded, any dimension) and learned ONNX
// models in process (digits, or any model the reference provider can serve, by name and path), under each
// sampler of bench/samplers (a sampler's scheduler keys replace the model's own, betas and spacing kept).
import type { Core } from "../../src/core/instance.ts";
import { embeddedDenoiser } from "../../src/denoisers/embedded.ts";
import type { Denoiser } from "../../src/denoisers/port.ts";
import type { GaussianMixture } from "../../src/models/index.ts";
import { DEFAULT_DRAFT, type DraftOptions, type Method } from "../../src/sampler/options.ts";
import { runSampler, type RunHooks, type SampleRun } from "../../src/sampler/run.ts";
import { buildSchedule, parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";
import type { Schedule } from "../../src/sampler/scheduler/types.ts";
import { newCore } from "../../tools/fixtures/core.ts";
import { schedule as fixtureSchedule } from "../../tools/fixtures/sampler.ts";
import { DIGITS_TENSOR_NAMES, loadOnnxDenoiser } from "../../tools/provider/onnx-model.ts";
import { onnxPort } from "../../tools/learned/onnx-port.ts";
import type { Sampler } from "../samplers/cells.ts";

export interface DraftTarget {
  id: string;
  dim: number;
  /** An analytic mixture: exact for any parameterisation, so flow matching samples it too. */
  analytic: boolean;
  schedule(s: Sampler, steps: number): Schedule;
  denoiser(core: Core): Denoiser;
  release(): Promise<void>;
}

/** An embedded mixture under the analytic models' DDPM betas (clip_sample false), as the tests' fixture builds it. */
export const mixtureTarget = (m: GaussianMixture, id = m.id): DraftTarget => ({
  id, dim: m.dim, analytic: true,
  schedule: (s, steps) => fixtureSchedule(steps, s.scheduler, s.build),
  denoiser: (core) => embeddedDenoiser(core, m),
  release: async () => {},
});

/** An epsilon-prediction ONNX model in process (onnxruntime-node, the float32 outputs the provider serves);
 * `threads`: onnxruntime's intra-op threads (1, the provider's setting, unless a large model needs more). */
export const onnxTarget = async (id: string, path: string, scheduler: Record<string, unknown>, threads = 1): Promise<DraftTarget> => {
  const onnx = await loadOnnxDenoiser(path, DIGITS_TENSOR_NAMES, { threads });
  const port = onnxPort(onnx);
  return {
    id, dim: onnx.dim, analytic: false,
    schedule: (s, steps) => buildSchedule(parseSchedulerConfig({ ...scheduler, ...s.scheduler }), steps, s.build),
    denoiser: () => port,
    release: () => onnx.release(),
  };
};

export interface RunArgs {
  sampler: Sampler;
  steps: number;
  method: Method;
  draft?: Partial<DraftOptions>;
  chains: number;
  seed: number;
  firstChain?: number;
  /** Wraps the denoiser (a simulated clock). */
  wrap?: (d: Denoiser) => Denoiser;
  hooks?: RunHooks;
}

/** One request on `t`, in a fresh core as the Worker gives each request. */
export const runTarget = (t: DraftTarget, a: RunArgs): Promise<SampleRun> => {
  const core = newCore();
  const base = t.denoiser(core);
  const denoiser = a.wrap ? a.wrap(base) : base;
  const draft = { ...DEFAULT_DRAFT, ...a.draft };
  return runSampler(core, denoiser, { method: a.method, draft, schedule: t.schedule(a.sampler, a.steps), numChains: a.chains, seed: a.seed, firstChain: a.firstChain }, a.hooks);
};
