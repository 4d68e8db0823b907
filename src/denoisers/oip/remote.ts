// Plugs OIP models into the API's model configuration: a MODELS entry with provider "oip" keeps this
// client's settings in `settings`; its shape and scheduler come from the entry itself.
import { ConfigError } from "../../config/index.ts";
import { isDomainError } from "../../errors.ts";
import { parseSchedulerConfig } from "../../sampler/scheduler/index.ts";
import type { Denoiser } from "../port.ts";
import { oipDenoiser, type OipDeps, type OipDenoiser } from "./denoiser.ts";
import { parseOipConfig } from "./parse.ts";
import type { OipModelConfig } from "./config.ts";

/** The parts of a MODELS entry this adapter reads (structurally a src/config ModelConfig). */
export interface OipModelEntry {
  readonly id: string;
  readonly shape: readonly number[];
  readonly scheduler: Readonly<Record<string, unknown>>;
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** Checks an entry's settings against its shape and scheduler; throws ConfigError (a deployment fault). */
export function oipConfigOf(entry: OipModelEntry): OipModelConfig {
  const where = `MODELS entry "${entry.id}"`;
  try {
    const predictionType = parseSchedulerConfig(entry.scheduler).predictionType;
    const settings = entry.settings ?? {};
    const config = parseOipConfig({ prediction_type: predictionType, sample_shape: entry.shape, ...settings }, "settings");
    const shapeOk = config.sampleShape.length === entry.shape.length && config.sampleShape.every((n, i) => n === entry.shape[i]);
    if (!shapeOk) throw new Error(`settings.sample_shape ${JSON.stringify(config.sampleShape)} differs from shape ${JSON.stringify(entry.shape)}`);
    if (config.predictionType !== predictionType) throw new Error(`settings.prediction_type ${config.predictionType} differs from the scheduler's ${predictionType}`);
    return config;
  } catch (e) {
    throw new ConfigError(`${where}: ${isDomainError(e) && e.field ? `${e.field}: ` : ""}${(e as Error).message}`);
  }
}

/**
 * The API's remote provider for "oip" (AppDeps.providers.oip). One denoiser per entry and token is
 * kept for the isolate's lifetime, so the model metadata is read once per isolate, not per request.
 */
export const oipRemoteProvider = (deps: Omit<OipDeps, "authToken"> = {}) => {
  const cache = new Map<string, OipDenoiser>();
  return function oipProvider(entry: OipModelEntry, env: object): Denoiser {
    const config = oipConfigOf(entry);
    const secret = config.auth ? (env as Record<string, unknown>)[config.auth.secret] : undefined;
    if (config.auth && (typeof secret !== "string" || secret === "")) {
      throw new ConfigError(`MODELS entry "${entry.id}": the secret ${config.auth.secret} is not set`);
    }
    const key = JSON.stringify([entry.id, config, secret ?? null]);
    let denoiser = cache.get(key);
    if (!denoiser) {
      denoiser = oipDenoiser(config, { ...deps, authToken: secret as string | undefined });
      cache.set(key, denoiser);
    }
    return denoiser;
  };
};
