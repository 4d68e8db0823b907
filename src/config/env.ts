// Bindings the API reads on top of the Worker's base Env (fold into src/env.ts when convenient).
import type { Env } from "../env.ts";

export interface ApiEnv extends Env {
  /** Extra models: a JSON array (string or structured wrangler var) of model entries; see README. */
  MODELS?: unknown;
}
