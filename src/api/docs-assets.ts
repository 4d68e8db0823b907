// Swagger UI (swagger-ui-dist, a dependency) as text inside the Worker bundle, so /docs needs no CDN
// and works offline. esbuild (wrangler's bundler) inlines each file as a string through the import
// attribute; Node cannot load these imports, so the app imports this file lazily, only when an asset
// is asked for (src/routes/openapi.ts), and Node-side tests and tools never read it.
import swaggerUiBundle from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "text" };
import swaggerUiCss from "swagger-ui-dist/swagger-ui.css" with { type: "text" };

export interface DocsAsset {
  readonly contentType: string;
  readonly body: string;
}

export const DOCS_ASSETS: Readonly<Record<string, DocsAsset>> = {
  "swagger-ui-bundle.js": { contentType: "text/javascript; charset=utf-8", body: swaggerUiBundle },
  // The stylesheet names a source map the Worker does not serve; dropped so devtools ask for nothing missing.
  "swagger-ui.css": { contentType: "text/css; charset=utf-8", body: swaggerUiCss.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, "") },
};
