// Composes the Hono app. The compiled core module is injected so that the Worker
// (module import) and Node tests (bytes from disk) build the same app.
import { Hono } from "hono";
import type { Env } from "./env.ts";
import { healthRoute } from "./routes/health.ts";

export interface AppDeps {
  coreModule: WebAssembly.Module;
}

export const createApp = (deps: AppDeps) => {
  const app = new Hono<{ Bindings: Env }>();
  app.route("/v1/health", healthRoute(deps));
  return app;
};
