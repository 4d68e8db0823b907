// GET /v1/health: proves the deployment runs and its core.wasm loads with SIMD.
import { Hono } from "hono";
import type { AppDeps } from "../deps.ts";
import { coreInfo, instantiateCore } from "../core/instance.ts";
import { VERSION } from "../version.ts";

export const healthRoute = (deps: AppDeps) =>
  new Hono().get("/", (c) => {
    const core = instantiateCore(deps.coreModule);
    return c.json({ status: "ok", version: VERSION, core: coreInfo(core) });
  });
