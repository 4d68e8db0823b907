// The models the reference provider serves: analytic Gaussian mixtures in one core.wasm instance,
// addressed by integer timestep through a diffusers-style scheduler config (for alphas_cumprod).
import { loadCoreModule } from "../core-module.ts";
import { instantiateCore, type Core } from "../../src/core/instance.ts";
import { uploadMixture, type ResidentMixture } from "../../src/core/gmm.ts";
import type { TimestepDtype, WireDtype } from "../../src/denoisers/oip/config.ts";
import { builtinModels, builtinModel, type GaussianMixture } from "../../src/models/index.ts";
import { alphasCumprodFor, parseSchedulerConfig } from "../../src/sampler/scheduler/index.ts";

export interface TensorMetadata {
  name: string;
  datatype: string;
  shape: number[];
}

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  inputs: TensorMetadata[];
  outputs: TensorMetadata[];
}

export interface ProviderModelSpec {
  name: string;
  mixture: GaussianMixture;
  /** Element type of the sample input and of the output (default FP32). */
  dtype?: WireDtype;
  timestepDtype?: TimestepDtype;
  /** Timestep tensor [rows] (1, default) or [rows, 1] (2). */
  timestepRank?: 1 | 2;
  /** What the model returns (default epsilon). */
  prediction?: "epsilon" | "sample";
  /** diffusers scheduler_config.json giving alphas_cumprod (default: DDPM defaults). */
  scheduler?: Record<string, unknown>;
  /** Rewrites the declared metadata, to test clients against a model that disagrees with them. */
  declare?: (m: ModelMetadata) => ModelMetadata;
}

export const TENSOR_NAMES = { sample: "sample", timestep: "timestep", output: "model_output" } as const;

export interface TensorNames {
  readonly sample: string;
  readonly timestep: string;
  readonly output: string;
}

/** A model ready to evaluate rows: an analytic mixture (in the provider's core) or a learned one. */
export interface ServedModel {
  readonly name: string;
  readonly names: TensorNames;
  readonly dtype: WireDtype;
  readonly timestepDtype: TimestepDtype;
  readonly shape: readonly number[];
  readonly dim: number;
  readonly metadata: ModelMetadata;
  readonly numTrainTimesteps: number;
  evaluate(x: Float32Array, timesteps: ArrayLike<number>): Float32Array | Promise<Float32Array>;
}

// The provider evaluates with the same build/core.wasm the Worker imports.
const loadCore = (): Core => instantiateCore(loadCoreModule());

export const serveModels = (specs: readonly ProviderModelSpec[]): Map<string, ServedModel> => {
  const core = loadCore();
  return new Map(specs.map((s) => [s.name, serveModel(core, s)]));
};

function serveModel(core: Core, spec: ProviderModelSpec): ServedModel {
  const resident: ResidentMixture = uploadMixture(core, spec.mixture);
  const alphas = alphasCumprodFor(parseSchedulerConfig(spec.scheduler ?? {}));
  const dtype = spec.dtype ?? "FP32";
  const timestepDtype = spec.timestepDtype ?? "INT64";
  const shape = spec.mixture.shape;
  const tShape = spec.timestepRank === 2 ? [-1, 1] : [-1];
  const declared: ModelMetadata = {
    name: spec.name,
    versions: ["1"],
    platform: "analytic_gmm",
    inputs: [
      { name: TENSOR_NAMES.sample, datatype: dtype, shape: [-1, ...shape] },
      { name: TENSOR_NAMES.timestep, datatype: timestepDtype, shape: tShape },
    ],
    outputs: [{ name: TENSOR_NAMES.output, datatype: dtype, shape: [-1, ...shape] }],
  };
  const kernel = spec.prediction === "sample" ? resident.x0 : resident.eps;
  return {
    name: spec.name,
    names: TENSOR_NAMES,
    dtype,
    timestepDtype,
    shape,
    dim: spec.mixture.dim,
    metadata: spec.declare ? spec.declare(declared) : declared,
    numTrainTimesteps: alphas.length,
    evaluate: function evaluateRows(x, timesteps) {
      // alphas_cumprod from the same code and config as the sampler: outputs match the embedded model bit for bit.
      return kernel(x, Array.from(timesteps, (t) => alphas[t]));
    },
  };
}

/** Every built-in mixture as "<id>" (FP32 wire) and "<id>-fp16" (FP16 wire), INT64 timesteps. */
export const builtinSpecs = (ids: readonly string[] = builtinModels().map((m) => m.id)): ProviderModelSpec[] =>
  ids.flatMap((id) => {
    const mixture = builtinModel(id);
    if (!mixture) throw new Error(`unknown built-in model ${id}`);
    return [
      { name: id, mixture },
      { name: `${id}-fp16`, mixture, dtype: "FP16" as const },
    ];
  });
