// Resolves a request's `model` to what sampling needs: a configured entry or an inline mixture.
import type { ModelCatalog, ModelConfig, ModelDefaults, Provider } from "../config/index.ts";
import { ANALYTIC_SCHEDULER, BUILTIN_DEFAULTS, ModelUnavailableError } from "../config/index.ts";
import { InvalidRequestError } from "../errors.ts";
import { builtinModel, validateMixture, type GaussianMixture } from "../models/index.ts";
import type { ImageLayout } from "./encode/png.ts";
import type { SampleRequest } from "./schemas/index.ts";

export interface ResolvedModel {
  id: string;
  provider: Provider;
  shape: readonly number[];
  dim: number;
  scheduler: Readonly<Record<string, unknown>>;
  defaults: ModelDefaults;
  /** The analytic mixture, for embedded models and inline mixtures. */
  mixture?: GaussianMixture;
  /** The configured entry (absent for an inline mixture). */
  config?: ModelConfig;
}

/** Throws InvalidRequestError (field `model...`) for an unknown id or a malformed inline mixture,
 * ModelUnavailableError (503) for a configured model whose entry is broken. */
export const resolveModel = (spec: SampleRequest["model"], catalog: ModelCatalog): ResolvedModel => {
  if (typeof spec !== "string") {
    const mixture = validateMixture(spec, "model");
    return { id: "inline", provider: "embedded", shape: mixture.shape, dim: mixture.dim, scheduler: ANALYTIC_SCHEDULER, defaults: BUILTIN_DEFAULTS, mixture };
  }
  const config = catalog.find(spec);
  if (!config) {
    const reason = catalog.unavailable(spec);
    if (reason !== undefined) throw new ModelUnavailableError(spec, reason);
    const ids = catalog.models.map((m) => m.id).join(", ");
    throw new InvalidRequestError("model", `unknown model "${spec}"; configured: ${ids}`);
  }
  const dim = config.shape.reduce((p, n) => p * n, 1);
  const mixture = config.provider === "embedded" && config.mixture ? builtinModel(config.mixture) : undefined;
  return { id: config.id, provider: config.provider, shape: config.shape, dim, scheduler: config.scheduler, defaults: config.defaults, mixture, config };
};

/** Image layout of a sample shape: [H, W] or channels-first [C, H, W] with C = 1 or 3 (diffusers' order). */
export const imageLayout = (shape: readonly number[]): ImageLayout | null => {
  if (shape.length === 2) return { channels: 1, height: shape[0], width: shape[1] };
  if (shape.length === 3 && (shape[0] === 1 || shape[0] === 3)) return { channels: shape[0], height: shape[1], width: shape[2] };
  return null;
};
