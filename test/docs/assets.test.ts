// /docs and its assets without a browser: the deploy bundle (dist/) serves swagger-ui-dist's files
// byte for byte from the Worker, the page names nothing off the origin, and the app built in Node
// (which cannot load the text imports) still serves the page and answers 404 for the bundled assets.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Miniflare } from "miniflare";
import { createApp } from "../../src/app.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import { startWorker } from "../helpers/worker.ts";

const dist = (file: string): string => readFileSync(createRequire(import.meta.url).resolve(`swagger-ui-dist/${file}`), "utf8");

let mf: Miniflare;
before(() => {
  mf = startWorker();
});
after(() => mf.dispose());

const get = (path: string, method = "GET") => mf.dispatchFetch(`http://localhost${path}`, { method });

test("GET /docs: a page loading Swagger UI from the Worker, under a self-only Content-Security-Policy", async () => {
  const res = await get("/docs");
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/html/);
  const csp = res.headers.get("content-security-policy") ?? "";
  assert.match(csp, /(^|; )default-src 'self'(;|$)/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:/);
  const html = await res.text();
  const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(urls.sort(), ["/docs/assets/docs.js", "/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/openapi.json"]);
  assert.doesNotMatch(html, /<script>|<style>|style="/, "no inline script or style");
});

test("GET /docs/assets/*: swagger-ui-dist's bundle and stylesheet as installed, and the page's start script", async () => {
  const js = await get("/docs/assets/swagger-ui-bundle.js");
  assert.equal(js.status, 200);
  assert.equal(js.headers.get("content-type"), "text/javascript; charset=utf-8");
  assert.equal(js.headers.get("x-content-type-options"), "nosniff");
  assert.equal(await js.text(), dist("swagger-ui-bundle.js"));
  const css = await get("/docs/assets/swagger-ui.css");
  assert.equal(css.headers.get("content-type"), "text/css; charset=utf-8");
  assert.equal(await css.text(), dist("swagger-ui.css").replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, ""));
  const start = await (await get("/docs/assets/docs.js")).text();
  assert.match(start, /url: "\/openapi\.json"/);
  assert.match(start, /tryItOutEnabled: true/);
  assert.match(start, /validatorUrl: null/);
  assert.equal((await get("/docs/assets/index.html")).status, 404);
  const post = await get("/docs/assets/swagger-ui.css", "POST");
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD");
});

test("the app built in Node serves /docs and answers 404 for the assets only the bundle holds", async () => {
  const app = createApp({ coreModule: coreModule() });
  assert.equal((await app.request("/docs")).status, 200);
  assert.equal((await app.request("/docs/assets/docs.js")).status, 200);
  const res = await app.request("/docs/assets/swagger-ui-bundle.js");
  assert.equal(res.status, 404);
  assert.match(((await res.json()) as { error: { message: string } }).error.message, /bundled Worker only/);
});
