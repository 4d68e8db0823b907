// Optional bearer token on the sampling routes: the API_TOKEN secret when set, open when not
// (a local `npm start` needs no secret). Failures go through app.onError as 401.
import type { MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import { timingSafeEqual } from "hono/utils/buffer";
import type { Env } from "../env.ts";

const BEARER = /^Bearer\s+(\S+)\s*$/i;

export const requireToken = (): MiddlewareHandler<{ Bindings: Env }> =>
  async function requireToken(c, next) {
    const expected = c.env?.API_TOKEN;
    if (expected) {
      const given = BEARER.exec(c.req.header("authorization") ?? "")?.[1];
      if (!given) throw new HTTPException(401, { message: "this deployment requires Authorization: Bearer <API_TOKEN>" });
      // Compared through hashes in constant time: the answer's timing says nothing about the token.
      if (!(await timingSafeEqual(expected, given))) throw new HTTPException(401, { message: "invalid bearer token" });
    }
    await next();
  };
