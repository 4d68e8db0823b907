// A configured model: what /v1/models lists and what a sampling request resolves `model` to.
import type { DraftOptions, Method } from "../sampler/options.ts";
import type { PipelineConfig } from "./pipeline.ts";

/** Where the denoiser runs: inside the Worker (analytic, core.wasm) or on an inference server. */
export const PROVIDERS = ["embedded", "oip"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What a request gets when it leaves a field out. */
export interface ModelDefaults {
  readonly steps: number;
  readonly method: Method;
  readonly draft: DraftOptions;
  /** Flow matching: scheduler.noise_level when the request's scheduler names neither it nor stochastic_sampling. */
  readonly noiseLevel?: number;
}

export interface ModelConfig {
  readonly id: string;
  readonly description: string;
  readonly provider: Provider;
  /** Shape of one sample ([2] for points, [H, W] or [C, H, W] for images). */
  readonly shape: readonly number[];
  /** diffusers scheduler_config.json keys, as the model was trained with; a request's `scheduler` overrides them. */
  readonly scheduler: Readonly<Record<string, unknown>>;
  readonly defaults: ModelDefaults;
  /** embedded: the built-in analytic mixture it samples. */
  readonly mixture?: string;
  /** oip: adapter settings (base URL, tensor names, ...), checked by the oip provider, never echoed. */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** oip: conditioning, guidance and encoder/decoder stages of a conditional model (absent: unconditional). */
  readonly pipeline?: PipelineConfig;
  /** MODELS `limits.deadline_ms`: total time a request may take; absent, the provider's default (src/api/deadline.ts). */
  readonly deadlineMs?: number;
}

/** Largest `limits.deadline_ms` a MODELS entry may set (5 minutes); stream cost estimates assume it. */
export const MAX_DEADLINE_MS = 300_000;

/** A provider other than the in-Worker one: its entries carry `settings` for an adapter. */
export type RemoteProviderName = Exclude<Provider, "embedded">;

/** Checks a remote entry's provider settings (e.g. the oip adapter's oipConfigOf); throws naming the problem. */
export type SettingsCheck = (entry: ModelConfig) => unknown;
export type SettingsChecks = Partial<Record<RemoteProviderName, SettingsCheck>>;

/** A MODELS entry that cannot be served: listed with the reason, requests for it answer 503. */
export interface UnavailableModel {
  readonly id: string;
  readonly description: string;
  /** Present when the entry names a known provider. */
  readonly provider?: Provider;
  readonly reason: string;
}

/** One listed model, in catalog order. */
export type CatalogEntry = { readonly available: true; readonly config: ModelConfig } | ({ readonly available: false } & UnavailableModel);
