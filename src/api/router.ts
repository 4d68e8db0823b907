// Every router of the API is an OpenAPIHono with the shared validation hook, so that all of them
// validate the same way and contribute to one /openapi.json.
import { OpenAPIHono } from "@hono/zod-openapi";
import type { Env } from "../env.ts";
import { validationHook } from "./validation.ts";

export type ApiBindings = { Bindings: Env };

export const apiRouter = () => new OpenAPIHono<ApiBindings>({ defaultHook: validationHook });
