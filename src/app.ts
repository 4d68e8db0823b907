// Composes the Hono app. The compiled core module is injected so that the Worker
// (module import) and Node tests (bytes from disk) build the same app.
import { errorResponse } from "./api/errors.ts";
import { apiRouter } from "./api/router.ts";
import { corsFromEnv } from "./api/cors.ts";
import { notFoundOrMethodNotAllowed } from "./api/method.ts";
import { healthRoute } from "./routes/health.ts";
import { modelsRouter } from "./routes/models.ts";
import { mountOpenApi } from "./routes/openapi.ts";
import { samplesRouter } from "./routes/samples.ts";
import { jobsRouter } from "./routes/jobs.ts";
import type { AppDeps } from "./deps.ts";

export type { AppDeps } from "./deps.ts";

export const createApp = (deps: AppDeps) => {
  const app = apiRouter();
  // CORS first: a preflight is answered before anything reads a body, and errors carry the headers too.
  app.use(corsFromEnv());
  app.route("/v1/health", healthRoute(deps));
  app.route("/", modelsRouter(deps));
  app.route("/", samplesRouter(deps));
  app.route("/", jobsRouter(deps));
  mountOpenApi(app);
  app.get("/", (c) => c.redirect("/docs"));
  app.notFound(notFoundOrMethodNotAllowed(() => app.routes));
  // The one place errors become HTTP answers (src/api/errors.ts).
  app.onError((err) => errorResponse(err));
  return app;
};
