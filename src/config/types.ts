// A configured model: what /v1/models lists and what a sampling request resolves `model` to.
import type { DraftOptions, Method } from "../sampler/options.ts";

/** Where the denoiser runs: inside the Worker (analytic, core.wasm) or on an inference server. */
export const PROVIDERS = ["embedded", "oip"] as const;
export type Provider = (typeof PROVIDERS)[number];

/** What a request gets when it leaves a field out. */
export interface ModelDefaults {
  readonly steps: number;
  readonly method: Method;
  readonly draft: DraftOptions;
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
}
