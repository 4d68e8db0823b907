// Cross-origin access for browsers, to the origins the ALLOWED_ORIGINS var lists (comma-separated;
// "*" for any). None by default: without the var, or for an origin not listed, no CORS header is
// sent and a preflight falls through to the routes (405, as any OPTIONS request).
import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import type { Env } from "../env.ts";

/** What a browser script may send and read: the bearer token and JSON bodies; the seed, stats, timing and retry headers. */
export const CORS_OPTIONS = {
  allowMethods: ["GET", "HEAD", "POST", "OPTIONS"],
  allowHeaders: ["Authorization", "Content-Type", "Accept"],
  exposeHeaders: ["X-Seed", "X-Stats", "Server-Timing", "Retry-After", "WWW-Authenticate", "Allow"],
  maxAge: 600,
};

/** The configured origins, normalised as browsers send them (scheme://host[:port], no path). */
export const parseAllowedOrigins = (raw: unknown): { any: boolean; origins: ReadonlySet<string> } => {
  const items = typeof raw === "string" ? raw.split(",").map((s) => s.trim()).filter((s) => s !== "") : [];
  const origins = new Set<string>();
  for (const item of items) {
    try {
      origins.add(new URL(item).origin);
    } catch {
      origins.add(item); // matches nothing a browser sends; kept rather than silently widened
    }
  }
  return { any: items.includes("*"), origins };
};

export const corsFromEnv = (): MiddlewareHandler<{ Bindings: Env }> => {
  // The var is fixed for an isolate's lifetime: parsed once per value.
  let last: { raw: unknown; any: boolean; origins: ReadonlySet<string>; handler: MiddlewareHandler } | undefined;
  return async function corsFromEnv(c, next) {
    const raw = c.env?.ALLOWED_ORIGINS;
    if (!last || last.raw !== raw) {
      const { any, origins } = parseAllowedOrigins(raw);
      last = { raw, any, origins, handler: cors({ ...CORS_OPTIONS, origin: any ? "*" : [...origins] }) };
    }
    const origin = c.req.header("origin");
    if (origin !== undefined && (last.any || last.origins.has(origin))) return last.handler(c, next);
    await next();
    // With origins configured, an answer depends on Origin: caches must not hand it to another one.
    if (!last.any && last.origins.size > 0) c.header("Vary", "Origin", { append: true });
  };
};
