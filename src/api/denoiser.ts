// Picks the denoiser adapter for a resolved model. Remote providers are injected (AppDeps.providers)
// so that the app, not this file, decides which adapters a deployment bundles.
import type { ModelConfig, Provider } from "../config/index.ts";
import { ConfigError } from "../config/index.ts";
import type { Env } from "../env.ts";
import type { Core } from "../core/instance.ts";
import { embeddedDenoiser } from "../denoisers/embedded.ts";
import type { Denoiser } from "../denoisers/port.ts";
import type { ResolvedModel } from "./model.ts";

/** Builds a remote model's denoiser from its config entry and the Worker's bindings (secrets included). */
export type RemoteProvider = (model: ModelConfig, env: Env) => Denoiser;
export type RemoteProviders = Partial<Record<Exclude<Provider, "embedded">, RemoteProvider>>;

export const denoiserFor = (model: ResolvedModel, core: Core, providers: RemoteProviders, env: Env): Denoiser => {
  if (model.mixture) return embeddedDenoiser(core, model.mixture);
  const config = model.config;
  const provider = config && config.provider !== "embedded" ? providers[config.provider] : undefined;
  if (!config || !provider) throw new ConfigError(`model "${model.id}": provider ${model.provider} is not available in this build`);
  return provider(config, env);
};

/** A denoiser that lets the event loop run before each call: with an in-Worker model the round loop
 * would otherwise never yield, so streamed events would not leave and a disconnect would go unnoticed. */
export const yielding = (inner: Denoiser): Denoiser => ({
  dim: inner.dim,
  predictionType: inner.predictionType,
  evaluate: async function evaluateAfterYield(batch, signal) {
    await new Promise((resolve) => setTimeout(resolve, 0));
    signal?.throwIfAborted();
    return inner.evaluate(batch, signal);
  },
});
