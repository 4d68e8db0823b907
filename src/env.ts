// Bindings of the Worker (wrangler.toml vars and secrets), read from c.env only.
export interface Env {
  /** Optional bearer token protecting the sampling routes (a Worker secret). */
  API_TOKEN?: string;
  /** Extra models: a JSON array (string or structured wrangler var) of model entries; see README. */
  MODELS?: unknown;
  /** Secrets named by remote model entries (auth headers) are read by name, e.g. PROVIDER_TOKEN. */
  [secret: string]: unknown;
}
