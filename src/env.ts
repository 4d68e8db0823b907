// Bindings of the Worker (wrangler.toml vars and secrets), read from c.env only.
export interface Env {
  /** Optional bearer token protecting the sampling routes (a Worker secret). */
  API_TOKEN?: string;
}
