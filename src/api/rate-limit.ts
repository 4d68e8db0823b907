// Rate limit of the sampling route, on Cloudflare's rate-limiting binding (wrangler.toml [[ratelimits]],
// SAMPLES_RATE_LIMITER; Miniflare and `wrangler dev` run it locally). Without the binding there is no limit.
// The key is the bearer token when the deployment checks one (API_TOKEN set: every request that got past
// requireToken carries it), else the client's IP: an unchecked token is the client's to choose, and a
// new one per request would escape the limit.
import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env.ts";
import { RateLimitedError } from "../errors.ts";

/** The binding's `simple.period` in wrangler.toml, in seconds: the binding does not expose it, and a
 * refusal's Retry-After is this (test/api/rate-limit.test.ts checks it against wrangler.toml). */
export const RATE_LIMIT_PERIOD_S = 60;

let hashed: { token: string; key: Promise<string> } | undefined;

// The token itself never leaves the Worker: the key is its SHA-256.
const tokenKey = (token: string): Promise<string> => {
  if (hashed?.token !== token) {
    const key = crypto.subtle.digest("SHA-256", new TextEncoder().encode(token)).then((d) => `token:${Array.from(new Uint8Array(d), (b) => b.toString(16).padStart(2, "0")).join("")}`);
    hashed = { token, key };
  }
  return hashed.key;
};

const keyOf = (c: Context<{ Bindings: Env }>): Promise<string> | string => {
  const token = c.env?.API_TOKEN;
  return token ? tokenKey(token) : `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;
};

export const rateLimit = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function rateLimit(c, next) {
    const limiter = c.env?.SAMPLES_RATE_LIMITER;
    if (limiter) {
      const { success } = await limiter.limit({ key: await keyOf(c) });
      if (!success) {
        throw new RateLimitedError(`too many sampling requests from this token or IP address: retry after ${RATE_LIMIT_PERIOD_S} s`, RATE_LIMIT_PERIOD_S);
      }
    }
    await next();
  };
