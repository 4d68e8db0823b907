// The HTTP contract: the app's /openapi.json passes `redocly lint` (redocly.yaml: the recommended rules)
// with no errors, run offline by tools/openapi/lint.ts; and it documents what the routes answer.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { createApp } from "../../src/app.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import { lintDocument, openApiDocument } from "../../tools/openapi/lint.ts";

interface Report {
  totals: { errors: number; warnings: number };
  problems: { ruleId: string; severity: string; message: string; location: { pointer: string }[] }[];
}

const lintJson = (doc: unknown) => {
  const run = lintDocument(doc, ["--format=json"]);
  return { status: run.status, report: JSON.parse(run.stdout) as Report, stderr: run.stderr };
};

const describeProblems = (r: Report) => r.problems.map((p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`).join("\n");

test("npm run lint:openapi: the served document lints without errors", () => {
  const script = fileURLToPath(new URL("../../tools/openapi/lint.ts", import.meta.url));
  const run = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 120_000 });
  const output = run.stdout + run.stderr; // Redocly reports on stderr
  assert.equal(run.status, 0, output);
  assert.match(output, /openapi\.json: validated/);
  assert.match(output, /Your API description is valid/);
});

test("redocly lint: no errors and no warnings under the recommended rules", async () => {
  const { status, report } = lintJson(await openApiDocument());
  assert.equal(report.totals.errors, 0, describeProblems(report));
  assert.equal(report.totals.warnings, 0, describeProblems(report));
  assert.equal(status, 0);
});

test("redocly lint catches what it is here for: no servers, an operation without security or operationId", async () => {
  const doc = structuredClone(await openApiDocument()) as Record<string, any>;
  delete doc.servers;
  delete doc.paths["/v1/models"].get.security;
  delete doc.paths["/v1/health"].get.operationId;
  const { status, report } = lintJson(doc);
  assert.equal(status, 1);
  const rules = new Set(report.problems.map((p) => p.ruleId));
  for (const rule of ["no-empty-servers", "security-defined", "operation-operationId"]) assert.ok(rules.has(rule), `${rule} not reported:\n${describeProblems(report)}`);
  assert.ok(report.totals.errors >= 2);
});

// What each route can answer (src/api/errors.ts maps every error to one of these); 405 for other
// methods is stated in info.description, since OpenAPI attaches responses to served methods only.
const EXPECTED: Record<string, { operationId: string; statuses: string[]; bearer: boolean }> = {
  "get /v1/models": { operationId: "listModels", statuses: ["200"], bearer: false },
  "get /v1/models/{id}": { operationId: "getModel", statuses: ["200", "404"], bearer: false },
  "post /v1/samples": { operationId: "drawSamples", statuses: ["200", "400", "401", "413", "415", "422", "429", "502", "503", "504"], bearer: true },
  "get /v1/health": { operationId: "getHealth", statuses: ["200"], bearer: false },
  "post /v1/jobs": { operationId: "createJob", statuses: ["202", "400", "401", "413", "415", "422", "429", "503"], bearer: true },
  "get /v1/jobs/{id}": { operationId: "getJob", statuses: ["200", "401", "404", "503"], bearer: true },
  "delete /v1/jobs/{id}": { operationId: "cancelJob", statuses: ["200", "401", "404", "503"], bearer: true },
  "get /v1/jobs/{id}/result": { operationId: "getJobResult", statuses: ["200", "401", "404", "409", "413", "422", "503"], bearer: true },
};

test("every operation: its operationId, its security (bearer or explicitly open), its error statuses with the Error body", async () => {
  const doc = (await openApiDocument()) as Record<string, any>;
  assert.deepEqual(doc.servers, [{ url: "/", description: "the Worker serving this document" }]);
  assert.match(doc.info.description, /405 method_not_allowed/);
  const ops = Object.entries(doc.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) => Object.entries(methods).map(([m, op]) => [`${m} ${path}`, op] as const));
  assert.deepEqual(ops.map(([k]) => k).sort(), Object.keys(EXPECTED).sort());
  for (const [key, op] of ops) {
    const want = EXPECTED[key];
    assert.equal(op.operationId, want.operationId, key);
    assert.deepEqual(op.security, want.bearer ? [{ bearer: [] }] : [], key);
    assert.deepEqual(Object.keys(op.responses).sort(), want.statuses, key);
    for (const [status, res] of Object.entries(op.responses as Record<string, any>)) {
      if (status === "200" || status === "202") continue;
      assert.equal(res.content["application/json"].schema.$ref, "#/components/schemas/Error", `${key} ${status}`);
    }
  }
  assert.equal(doc.components.securitySchemes.bearer.scheme, "bearer");
});

test("POST /v1/samples documents its headers: X-Seed, X-Stats, Server-Timing; WWW-Authenticate on 401; Retry-After on 429 and 503", async () => {
  const doc = (await openApiDocument()) as Record<string, any>;
  const responses = doc.paths["/v1/samples"].post.responses;
  assert.deepEqual(Object.keys(responses["200"].headers).sort(), ["Server-Timing", "X-Seed", "X-Stats"]);
  assert.equal(responses["200"].headers["X-Seed"].schema.pattern, "^[0-9]+$");
  assert.ok(responses["401"].headers["WWW-Authenticate"]);
  assert.equal(responses["503"].headers["Retry-After"].schema.type, "integer");
  assert.equal(responses["429"].headers["Retry-After"].schema.type, "integer");
  assert.deepEqual(Object.keys(responses["200"].content).sort(), ["application/json", "application/x-npy", "image/png", "text/event-stream"]);
  assert.match(doc.components.schemas.SampleRequest.properties.output.description, /Accept/);
  assert.equal(doc.components.schemas.SampleRequest.properties.output.default, undefined);
});

test("the documented headers are the ones the answers carry: a JSON and an npy answer, a 401", async () => {
  const doc = (await openApiDocument()) as Record<string, any>;
  const responses = doc.paths["/v1/samples"].post.responses;
  const app = createApp({ coreModule: coreModule() });
  const post = (body: unknown, env?: Record<string, string>) =>
    app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, env);
  for (const output of ["json", "npy"]) {
    const res = await post({ model: "ring-2d", num_samples: 2, steps: 5, seed: 11, output });
    assert.equal(res.status, 200);
    for (const name of Object.keys(responses["200"].headers)) assert.ok(res.headers.get(name), `${output}: ${name}`);
    assert.match(res.headers.get("x-seed")!, new RegExp(responses["200"].headers["X-Seed"].schema.pattern));
  }
  const denied = await post({ model: "ring-2d" }, { API_TOKEN: "s3cret" });
  assert.equal(denied.status, 401);
  assert.ok(denied.headers.get("www-authenticate"));
});
