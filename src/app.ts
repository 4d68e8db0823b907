// Composes the Hono app. The compiled core module is injected so that the Worker
// (module import) and Node tests (bytes from disk) build the same app.
import { HTTPException } from "hono/http-exception";
import type { RemoteProviders } from "./api/denoiser.ts";
import { errorResponse } from "./api/errors.ts";
import { apiRouter } from "./api/router.ts";
import { healthRoute } from "./routes/health.ts";
import { modelsRouter } from "./routes/models.ts";
import { mountOpenApi } from "./routes/openapi.ts";
import { samplesRouter } from "./routes/samples.ts";

export interface AppDeps {
  coreModule: WebAssembly.Module;
  /** Remote denoiser adapters this build bundles (e.g. oip); embedded models need none. */
  providers?: RemoteProviders;
}

export const createApp = (deps: AppDeps) => {
  const app = apiRouter();
  app.route("/v1/health", healthRoute(deps));
  app.route("/", modelsRouter());
  app.route("/", samplesRouter(deps));
  mountOpenApi(app);
  app.get("/", (c) => c.redirect("/docs"));
  app.notFound((c) => errorResponse(new HTTPException(404, { message: `no route ${c.req.method} ${c.req.path}` })));
  // The one place errors become HTTP answers (src/api/errors.ts).
  app.onError((err) => errorResponse(err));
  return app;
};
