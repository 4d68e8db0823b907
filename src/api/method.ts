// The app's not-found handler: a path served for other methods answers 405 with Allow listing them
// (RFC 9110 section 15.5.6); a path served for none answers 404.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { errorResponse } from "./errors.ts";

export interface RouteEntry {
  readonly method: string;
  readonly path: string;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// Hono path syntax: a segment ":name" matches one segment, ":name{re}" matches re, "*" matches the rest.
const pathPattern = (path: string): RegExp =>
  new RegExp(
    `^${path
      .split("/")
      .map((seg) => (seg === "*" ? ".*" : seg.startsWith(":") ? (/\{(.+)\}\??$/.exec(seg)?.[1] ?? "[^/]+") : escapeRegExp(seg)))
      .join("/")}$`,
  );

/** Methods some route serves at `path` (HEAD wherever GET is, as Hono answers it); middleware (ALL) counts for none. */
export function allowedMethods(routes: readonly RouteEntry[], path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) if (r.method !== "ALL" && pathPattern(r.path).test(path)) methods.add(r.method);
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}

/** notFound handler over the app's routes (read when a request misses, so routes added later count). */
export const notFoundOrMethodNotAllowed = (routes: () => readonly RouteEntry[]) =>
  function notFound(c: Context): Response {
    const { method, path } = c.req;
    const allow = allowedMethods(routes(), path);
    if (allow.length === 0 || allow.includes(method)) {
      return errorResponse(new HTTPException(404, { message: `no route ${method} ${path}` }));
    }
    const res = errorResponse(new HTTPException(405, { message: `${path} does not serve ${method}; it serves ${allow.join(", ")}` }));
    res.headers.set("allow", allow.join(", "));
    return res;
  };
