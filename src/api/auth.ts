// Optional bearer token on the sampling routes: the API_TOKEN secret when set, open when not
// (a local `npm start` needs no secret). Checked by hono/bearer-auth (constant-time comparison through
// hashes); every refusal is a 401 through app.onError, so that it has the API's error body and headers.
import type { MiddlewareHandler } from "hono";
import { bearerAuth } from "hono/bearer-auth";
import { HTTPException } from "hono/http-exception";
import type { Env } from "../env.ts";

// bearerAuth answers a missing header 401, a header that is not `Bearer <token68>` 400 and a wrong token
// 401, each with its own plain-text body; its message hooks raise the API's 401 instead.
const refuse = (message: string) => ({
  message: (): never => {
    throw new HTTPException(401, { message });
  },
});
const MISSING = refuse("this deployment requires Authorization: Bearer <API_TOKEN>");

let guard: { token: string; check: MiddlewareHandler } | undefined;

/** The check for `token`, built once per isolate (the secret is fixed for a deployment). */
const checkFor = (token: string): MiddlewareHandler => {
  if (guard?.token !== token) {
    guard = {
      token,
      check: bearerAuth({ token, noAuthenticationHeader: MISSING, invalidAuthenticationHeader: MISSING, invalidToken: refuse("invalid bearer token") }),
    };
  }
  return guard.check;
};

export const requireToken = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function requireToken(c, next) {
    const token = c.env?.API_TOKEN;
    if (!token) return next();
    return checkFor(token)(c, next);
  };
