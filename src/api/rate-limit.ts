// Rate limit of the sampling route, on Cloudflare's rate-limiting binding (wrangler.toml [[ratelimits]],
// SAMPLES_RATE_LIMITER; Miniflare and `wrangler dev` run it locally). Without the binding there is no limit.
// The key is the client's IP, whether or not the deployment checks a token: API_TOKEN is one secret shared
// by every client, so keying on it would give the whole deployment one bucket, and an unchecked token is
// the client's to choose (a new one per request would escape the limit). Auth runs first: a 401 counts nothing.
import type { Context, MiddlewareHandler } from "hono";
import type { Env } from "../env.ts";
import { RateLimitedError } from "../errors.ts";

/** The binding's `simple.period` in wrangler.toml, in seconds: the binding does not expose it, and a
 * refusal's Retry-After is this (test/api/rate-limit.test.ts checks it against wrangler.toml). */
export const RATE_LIMIT_PERIOD_S = 60;

const keyOf = (c: Context<{ Bindings: Env }>): string => `ip:${c.req.header("cf-connecting-ip") ?? "unknown"}`;

export const rateLimit = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function rateLimit(c, next) {
    const limiter = c.env?.SAMPLES_RATE_LIMITER;
    if (limiter) {
      const { success } = await limiter.limit({ key: keyOf(c) });
      if (!success) {
        throw new RateLimitedError(`too many sampling requests from this IP address: retry after ${RATE_LIMIT_PERIOD_S} s`, RATE_LIMIT_PERIOD_S);
      }
    }
    await next();
  };
