// Plugs OIP models into the API's model configuration: a MODELS entry with provider "oip" keeps this
// client's settings in `settings`; its shape and scheduler come from the entry itself.
import { ConfigError } from "../../config/index.ts";
import { isDomainError } from "../../errors.ts";
import { parseSchedulerConfig } from "../../sampler/scheduler/index.ts";
import type { Denoiser } from "../port.ts";
import { oipDenoiser, type OipDeps, type OipDenoiser } from "./denoiser.ts";
import { parseOipConfig } from "./parse.ts";
import { parseDecoderConfig, parseEncoderConfig, type OipDecoderConfig, type OipEncoderConfig } from "./stage-config.ts";
import { oipDecoderStage, oipEncoderStage } from "./stage.ts";
import type { PipelineStages } from "../stages.ts";
import type { OipModelConfig } from "./config.ts";
import type { PipelineConfig } from "../../config/index.ts";

/** The parts of a MODELS entry this adapter reads (structurally a src/config ModelConfig). */
export interface OipModelEntry {
  readonly id: string;
  readonly shape: readonly number[];
  readonly scheduler: Readonly<Record<string, unknown>>;
  readonly settings?: Readonly<Record<string, unknown>>;
  readonly pipeline?: PipelineConfig;
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
    stagesConfigOf(entry);
    return withPipeline(config, entry.pipeline);
  } catch (e) {
    throw new ConfigError(`${where}: ${isDomainError(e) && e.field ? `${e.field}: ` : ""}${(e as Error).message}`);
  }
}

/** The entry's encoder and decoder settings, checked; throws naming the key. */
export function stagesConfigOf(entry: OipModelEntry): { encoder?: OipEncoderConfig; decoder?: OipDecoderConfig } {
  const p = entry.pipeline;
  const c = p?.conditioning;
  return {
    encoder: p?.encoder && c?.kind === "prompt" ? parseEncoderConfig(p.encoder, c.embeddingShape) : undefined,
    decoder: p?.decoder ? parseDecoderConfig(p.decoder.settings, entry.shape, p.decoder) : undefined,
  };
}

/** The conditioning and provider-guidance inputs the entry's pipeline adds to the denoiser's calls. */
function withPipeline(config: OipModelConfig, p: PipelineConfig | undefined): OipModelConfig {
  const c = p?.conditioning;
  if (!c) return config;
  const taken = [config.inputs.sample, config.inputs.timestep];
  const extra = [c.input, ...(p.guidance.mode === "provider" ? [p.guidance.input!, ...(p.guidance.negativeInput ? [p.guidance.negativeInput] : [])] : [])];
  const clash = extra.find((name, i) => taken.includes(name) || extra.indexOf(name) !== i);
  if (clash) throw new Error(`input "${clash}" is configured twice (settings.inputs, conditioning.input, guidance)`);
  return {
    ...config,
    conditioning: c.kind === "class_labels" ? { kind: c.kind, input: c.input } : { kind: c.kind, input: c.input, embeddingShape: c.embeddingShape },
    guidance: p.guidance.mode === "provider" ? { input: p.guidance.input!, negativeInput: p.guidance.negativeInput } : undefined,
  };
}

/**
 * The API's remote provider for "oip" (AppDeps.providers.oip). One denoiser per entry and token is
 * kept for the isolate's lifetime, so the model metadata is read once per isolate, not per request.
 */
export const oipRemoteProvider = (deps: Omit<OipDeps, "authToken"> = {}) => {
  const cache = new Map<string, OipDenoiser>();
  const stageCache = new Map<string, PipelineStages>();
  const secretOf = (entry: OipModelEntry, auth: OipModelConfig["auth"], env: object): string | undefined => {
    const secret = auth ? (env as Record<string, unknown>)[auth.secret] : undefined;
    if (auth && (typeof secret !== "string" || secret === "")) {
      throw new ConfigError(`MODELS entry "${entry.id}": the secret ${auth.secret} is not set`);
    }
    return secret as string | undefined;
  };
  const provider = function oipProvider(entry: OipModelEntry, env: object): Denoiser {
    const config = oipConfigOf(entry);
    const secret = secretOf(entry, config.auth, env);
    const key = JSON.stringify([entry.id, config, secret ?? null]);
    let denoiser = cache.get(key);
    if (!denoiser) {
      denoiser = oipDenoiser(config, { ...deps, authToken: secret });
      cache.set(key, denoiser);
    }
    return denoiser;
  };
  /** The entry's encoder and decoder, kept for the isolate's lifetime (the encoder's prompt cache with them). */
  provider.stages = function oipStages(entry: OipModelEntry, env: object): PipelineStages {
    let configs;
    try {
      configs = stagesConfigOf(entry);
    } catch (e) {
      throw new ConfigError(`MODELS entry "${entry.id}": ${isDomainError(e) && e.field ? `${e.field}: ` : ""}${(e as Error).message}`);
    }
    const { encoder, decoder } = configs;
    const secrets = [secretOf(entry, encoder?.auth, env), secretOf(entry, decoder?.auth, env)];
    const key = JSON.stringify([entry.id, configs, secrets]);
    let stages = stageCache.get(key);
    if (!stages) {
      stages = {
        encoder: encoder ? oipEncoderStage(encoder, { ...deps, authToken: secrets[0] }) : undefined,
        decoder: decoder ? oipDecoderStage(decoder, { ...deps, authToken: secrets[1] }) : undefined,
      };
      stageCache.set(key, stages);
    }
    return stages;
  };
  return provider;
};
