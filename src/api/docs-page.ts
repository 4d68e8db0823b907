// GET /docs: Swagger UI (swagger-ui-dist) rendering /openapi.json, with "Try it out" open on every
// operation. Every asset comes from this Worker (/docs/assets/..., src/api/docs-assets.ts), so the page
// works offline under `npm start` and needs no CDN; its Content-Security-Policy allows only this origin.

export const DOCS_ASSET_PREFIX = "/docs/assets/";

export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Speculative diffusion sampling: API</title>
<link rel="stylesheet" href="${DOCS_ASSET_PREFIX}swagger-ui.css">
</head>
<body>
<noscript><p>This page needs JavaScript; the contract itself is <a href="/openapi.json">/openapi.json</a>.</p></noscript>
<div id="swagger-ui"></div>
<script src="${DOCS_ASSET_PREFIX}swagger-ui-bundle.js"></script>
<script src="${DOCS_ASSET_PREFIX}docs.js"></script>
</body>
</html>
`;

// Starts Swagger UI. A file of its own, not an inline script, so that the CSP needs no 'unsafe-inline'.
// validatorUrl null: Swagger UI otherwise shows a badge image fetched from validator.swagger.io.
export const DOCS_SCRIPT = `"use strict";
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout",
  tryItOutEnabled: true,
  displayRequestDuration: true,
  validatorUrl: null,
});
`;

// Only this origin: scripts, styles and fetches (/openapi.json, "Try it out"); images also from data:
// URIs (Swagger UI's stylesheet draws its icons with them). No framing, plugins or foreign form targets.
export const DOCS_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");
