// Bindings of the Worker (wrangler.toml vars and secrets), read from c.env only. Their names come from
// worker-configuration.d.ts, which `npm run types` (wrangler types) generates from wrangler.toml's [vars]
// and bindings and the secrets .dev.vars.example lists; test/deploy/worker-types.test.ts fails when it is stale.
// Every binding is optional here: a deployment may leave any unset, and tests build the app without them.
//  - API_TOKEN: bearer token protecting the sampling route (a secret); unset, the route is open.
//  - ALLOWED_ORIGINS: browser origins allowed by CORS, comma-separated (src/api/cors.ts); unset or empty, none.
//  - MODELS: extra models, a JSON array of model entries (a string, or a structured var); see README.
//  - SAMPLES_RATE_LIMITER: rate-limiting binding of POST /v1/samples (wrangler.toml [[ratelimits]],
//    src/api/rate-limit.ts); absent, no limit.
//  - JOBS, JOB_RESULTS: the jobs' Durable Object namespace and R2 bucket (src/jobs/, docs/jobs.md); absent,
//    the job routes answer 503 jobs_unavailable. WEBHOOK_SECRET: key of the jobs' webhook signatures (a
//    secret). JOBS_RETRY_BASE_MS (optional var): base delay of job retries, 2,000 ms by default.
export type Env = Partial<Omit<Cloudflare.Env, "MODELS">> & {
  MODELS?: unknown;
  /** Secrets named by remote model entries (auth headers) are read by name, e.g. PROVIDER_TOKEN. */
  [secret: string]: unknown;
};
