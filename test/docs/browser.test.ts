// /docs in a real browser: Debian's chromium, headless, driven by playwright-core, against the deploy
// bundle (dist/) in Miniflare served over HTTP on 127.0.0.1. Swagger UI renders /openapi.json, "Try it
// out" on POST /v1/samples draws two ring-2d samples, and no request leaves the Worker's origin.
// Skipped, saying so, where /usr/bin/chromium is missing (.ci/run installs it when it can).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import type { Miniflare } from "miniflare";
import type { Browser } from "playwright-core";
import { startWorker } from "../helpers/worker.ts";

const CHROMIUM = "/usr/bin/chromium";
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (Debian: apt-get install chromium); the browser test of /docs is skipped`;

let mf: Miniflare | undefined;
let browser: Browser | undefined;

before(async () => {
  if (skip) return;
  const { chromium } = await import("playwright-core");
  // launch() gives the browser a fresh temporary profile (user-data dir), removed when it closes.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    timeout: 15_000,
  });
  mf = startWorker();
});

after(async () => {
  await browser?.close();
  await mf?.dispose();
});

test("/docs renders the API in Swagger UI, and Try it out draws samples, all from 127.0.0.1", { skip, timeout: 30_000 }, async () => {
  const origin = new URL(await mf!.ready).origin;
  assert.match(origin, /^http:\/\/127\.0\.0\.1:\d+$/);
  const context = await browser!.newContext();
  const requested: string[] = [];
  const problems: string[] = [];
  context.on("request", (req) => requested.push(req.url()));
  // Anything bound elsewhere is refused at once (and fails the test below), never waited on.
  await context.route((url) => url.origin !== origin, (route) => route.abort());
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console error: ${msg.text()}`);
  });

  const res = await page.goto(`${origin}/docs`);
  assert.equal(res?.status(), 200);
  assert.match(res!.headers()["content-security-policy"] ?? "", /default-src 'self'/);

  // The operations, rendered from /openapi.json.
  const op = (method: string, path: string) => page.locator(`.opblock-${method}:has(.opblock-summary-path[data-path="${path}"])`);
  const samples = op("post", "/v1/samples");
  await samples.waitFor();
  for (const [method, path] of [["get", "/v1/models"], ["get", "/v1/health"]]) assert.equal(await op(method, path).count(), 1, `${method} ${path}`);

  // Try it out (open already: tryItOutEnabled), a small body, Execute.
  await samples.locator(".opblock-summary-control").click();
  await samples.locator("button.try-out__btn", { hasText: "Cancel" }).waitFor();
  const body = { model: "ring-2d", num_samples: 2, steps: 8, seed: 7 };
  await samples.locator("textarea.body-param__text").fill(JSON.stringify(body));
  await samples.locator("button.execute").click();

  const live = samples.locator(".live-responses-table");
  await live.locator(".response-col_status", { hasText: "200" }).waitFor();
  assert.equal((await samples.locator(".request-url pre").innerText()).trim(), `${origin}/v1/samples`);
  const answer = JSON.parse(await live.locator(".response-col_description pre").first().innerText());
  assert.deepEqual(answer.samples.shape, [2, 2]);
  assert.equal(answer.samples.data.length, 4);
  assert.equal(answer.seed, 7);

  const foreign = requested.filter((u) => !u.startsWith(`${origin}/`) && !/^(data|blob):/.test(u));
  assert.deepEqual(foreign, [], "every request stays on the Worker's origin");
  for (const p of ["/docs", "/docs/assets/swagger-ui.css", "/docs/assets/swagger-ui-bundle.js", "/docs/assets/docs.js", "/openapi.json", "/v1/samples"]) {
    assert.ok(requested.includes(`${origin}${p}`), `requested ${p}`);
  }
  assert.deepEqual(problems, [], "no script error and no Content-Security-Policy violation");
  await context.close();
});
