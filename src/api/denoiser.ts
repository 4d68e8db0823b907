// Picks the denoiser adapter for a resolved model. Remote providers are injected (AppDeps.providers)
// so that the app, not this file, decides which adapters a deployment bundles.
import type { ModelConfig, Provider } from "../config/index.ts";
import { ConfigError, ModelUnavailableError, reasonOf } from "../config/index.ts";
import type { Env } from "../env.ts";
import type { Core } from "../core/instance.ts";
import { embeddedDenoiser } from "../denoisers/embedded.ts";
import type { Denoiser } from "../denoisers/port.ts";
import type { PipelineStages } from "../denoisers/stages.ts";
import type { ResolvedModel } from "./model.ts";

/** Builds a remote model's denoiser from its config entry and the Worker's bindings (secrets included);
 * `stages` builds a conditional model's encoder and decoder (src/denoisers/stages.ts). */
export type RemoteProvider = ((model: ModelConfig, env: Env) => Denoiser) & { stages?: (model: ModelConfig, env: Env) => PipelineStages };
export type RemoteProviders = Partial<Record<Exclude<Provider, "embedded">, RemoteProvider>>;

/** Throws ModelUnavailableError (503) when the build lacks the provider or the provider refuses the
 * entry at use (settings not checked when the catalog loaded, a secret that is not set). */
export const denoiserFor = (model: ResolvedModel, core: Core, providers: RemoteProviders, env: Env): Denoiser => {
  if (model.mixture) return embeddedDenoiser(core, model.mixture);
  const config = model.config;
  const provider = config && config.provider !== "embedded" ? providers[config.provider] : undefined;
  if (!config || !provider) throw new ModelUnavailableError(model.id, `its provider "${model.provider}" is not bundled in this build`);
  try {
    return provider(config, env);
  } catch (e) {
    if (e instanceof ConfigError) throw new ModelUnavailableError(model.id, reasonOf(e, model.id));
    throw e;
  }
};

/** A conditional model's stages; throws ModelUnavailableError (503) when the entry's stage settings are broken. */
export const stagesFor = (model: ResolvedModel, providers: RemoteProviders, env: Env): PipelineStages => {
  const config = model.config;
  if (!config?.pipeline || (!config.pipeline.encoder && !config.pipeline.decoder)) return {};
  const provider = config.provider !== "embedded" ? providers[config.provider] : undefined;
  if (!provider?.stages) throw new ModelUnavailableError(model.id, `its provider "${model.provider}" has no pipeline stages in this build`);
  try {
    return provider.stages(config, env);
  } catch (e) {
    if (e instanceof ConfigError) throw new ModelUnavailableError(model.id, reasonOf(e, model.id));
    throw e;
  }
};

// Work between two yields, in values evaluated (rows x dim), a round counting ROUND_VALUES besides its
// rows. A yield costs about 0.1 ms under workerd, whose clock stands still between I/O events, so the
// budget is counted in work, not time: 2^18 values is 3 to 100 ms of CPU on the built-in models.
const YIELD_EVERY_VALUES = 2 ** 18;
const ROUND_VALUES = 1024;

/** A denoiser that lets the event loop run before the first call and then after every YIELD_EVERY_VALUES
 * of work: with an in-Worker model the round loop would otherwise never yield, so streamed events would
 * not leave and neither a disconnect nor the deadline timer (src/api/deadline.ts) would be noticed. */
export const yielding = (inner: Denoiser): Denoiser => {
  let work = YIELD_EVERY_VALUES;
  return {
    dim: inner.dim,
    evaluate: async function evaluateAfterYield(batch, signal) {
      work += ROUND_VALUES + batch.rows * inner.dim;
      if (work >= YIELD_EVERY_VALUES) {
        work = 0;
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
      signal?.throwIfAborted();
      return inner.evaluate(batch, signal);
    },
  };
};
