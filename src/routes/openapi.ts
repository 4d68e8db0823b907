// GET /openapi.json (generated from the zod schemas that validate requests) and GET /docs (Swagger UI
// reading it, its assets served from /docs/assets/).
import type { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import type { ApiBindings } from "../api/router.ts";
import { DOCS_ASSET_PREFIX, DOCS_CSP, DOCS_PAGE, DOCS_SCRIPT } from "../api/docs-page.ts";
import { HealthSchema } from "../api/schemas/index.ts";
import { VERSION } from "../version.ts";
import { OPEN } from "./responses.ts";

/** Adds the document and the page to the app that holds every route's definition. */
export const mountOpenApi = (app: OpenAPIHono<ApiBindings>): void => {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    description: "Only when the deployment sets the API_TOKEN secret; otherwise the API is open.",
  });
  // /v1/health is a plain Hono route; its contract is documented here.
  app.openAPIRegistry.registerPath({
    method: "get",
    path: "/v1/health",
    operationId: "getHealth",
    summary: "Liveness and core.wasm build flags",
    security: OPEN,
    responses: { 200: { description: "The Worker runs and its SIMD core loads", content: { "application/json": { schema: HealthSchema } } } },
  });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "Speculative diffusion sampling",
      version: VERSION,
      description:
        "Exact diffusion samples in fewer denoiser round trips. Errors are {error: {code, message, field?}}; " +
        "a documented path asked with a method it does not serve answers 405 method_not_allowed with an Allow header, an undocumented path 404 not_found.",
    },
    // Relative: the deployment (or `npm start`) that serves this document.
    servers: [{ url: "/", description: "the Worker serving this document" }],
  });
  app.get("/docs", (c) => c.html(DOCS_PAGE, 200, { "content-security-policy": DOCS_CSP, "x-content-type-options": "nosniff" }));
  // An hour's caching: the assets change only with a deploy that upgrades swagger-ui-dist or the page.
  const asset = { "cache-control": "public, max-age=3600", "x-content-type-options": "nosniff" };
  app.get(`${DOCS_ASSET_PREFIX}docs.js`, (c) => c.body(DOCS_SCRIPT, 200, { ...asset, "content-type": "text/javascript; charset=utf-8" }));
  for (const name of ["swagger-ui-bundle.js", "swagger-ui.css"]) {
    app.get(`${DOCS_ASSET_PREFIX}${name}`, async (c) => {
      // Lazily: only the bundled Worker can load the text imports (src/api/docs-assets.ts); Node cannot.
      const found = await import("../api/docs-assets.ts").then((m) => m.DOCS_ASSETS[name], () => undefined);
      if (!found) throw new HTTPException(404, { message: `${c.req.path} is served by the bundled Worker only (npm start, npm run bundle)` });
      return c.body(found.body, 200, { ...asset, "content-type": found.contentType });
    });
  }
};
