// A provider's error text never reaches the client: a provider that echoes the request's headers
// (the auth token among them) yields errors that carry the status and the Worker's own words only;
// the provider's text goes to the log with the token redacted.
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { errorAnswer } from "../../src/api/errors.ts";
import { oipDenoiser, parseOipConfig } from "../../src/denoisers/oip/index.ts";
import { sanitise, secretsOf, statusText } from "../../src/denoisers/oip/sanitise.ts";
import { evaluateRows } from "../../src/denoisers/collect.ts";
import { DenoiserBadResponseError, DenoiserRejectedRequestError, DenoiserUnavailableError } from "../../src/errors.ts";
import { batchOf } from "./fixtures.ts";

const TOKEN = "sk-live-5f1e2d3c4b5a69788796a5b4";

const config = parseOipConfig({
  base_url: "http://provider.test",
  model_name: "mix",
  inputs: { sample: "sample", timestep: "timestep" },
  output: "model_output",
  sample_shape: [3, 4],
  timeout_ms: 1_000,
  retry: { max_retries: 2, base_delay_ms: 1, max_delay_ms: 1 },
  auth: { secret: "PROVIDER_TOKEN" },
});

const metadata = (inputName = "sample") => ({
  name: "mix",
  inputs: [{ name: inputName, datatype: "FP32", shape: [-1, 3, 4] }, { name: "timestep", datatype: "INT64", shape: [-1] }],
  outputs: [{ name: "model_output", datatype: "FP32", shape: [-1, 3, 4] }],
});

// A provider that answers `status` to `kind` calls with the request's headers echoed in its error text
// (and in its reason phrase), and valid metadata otherwise.
const echoing = (kind: "metadata" | "infer", status: number) =>
  async function echoFetch(url: string, init: RequestInit): Promise<Response> {
    const isInfer = url.endsWith("/infer");
    if (isInfer !== (kind === "infer")) return Response.json(metadata());
    const headers = Object.entries(init.headers as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join("\n");
    return new Response(JSON.stringify({ error: `bad request; auth header was: ${(init.headers as Record<string, string>).authorization}\n${headers}` }), {
      status,
      statusText: `Bearer ${TOKEN}`,
      headers: { "content-type": "application/json" },
    });
  };

const leaks = (e: unknown): string[] => {
  const answer = JSON.stringify(errorAnswer(e).body);
  const message = (e as Error).message;
  return [answer, message].filter((s) => s.includes(TOKEN) || /auth header was/.test(s));
};

describe("provider error text", () => {
  let logged: string[];
  const warn = console.warn;
  beforeEach(() => {
    logged = [];
    console.warn = (...args: unknown[]) => void logged.push(args.map(String).join(" "));
  });
  afterEach(() => {
    console.warn = warn;
  });

  test("a 4xx echoing the auth header: 502 denoiser_rejected_request with the status only", async () => {
    const d = oipDenoiser(config, { fetch: echoing("metadata", 400), authToken: TOKEN, sleep: async () => {} });
    await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
      assert.ok(e instanceof DenoiserRejectedRequestError, String(e));
      assert.deepEqual(leaks(e), []);
      const a = errorAnswer(e);
      assert.equal(a.status, 502);
      assert.equal(a.body.error.code, "denoiser_rejected_request");
      assert.match(a.body.error.message, /^metadata of model "mix": provider answered 400 \(Bad Request\), refusing the request this Worker sent/);
      return true;
    });
    // The log keeps the provider's reason, without the token.
    assert.equal(logged.length, 1);
    assert.match(logged[0], /provider answered 400: bad request; auth header was: \[redacted\]/);
    assert.ok(!logged[0].includes(TOKEN), logged[0]);
  });

  test("a 5xx echoing the auth header on every retry: 502 denoiser_unavailable with the status only", async () => {
    const d = oipDenoiser(config, { fetch: echoing("infer", 503), authToken: TOKEN, sleep: async () => {} });
    await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
      assert.ok(e instanceof DenoiserUnavailableError, String(e));
      assert.deepEqual(leaks(e), []);
      const a = errorAnswer(e);
      assert.equal(a.status, 502);
      assert.equal(a.body.error.code, "denoiser_unavailable");
      assert.match(a.body.error.message, /no usable answer after 3 attempts \(3 answered an error status; last: provider answered 503 \(Service Unavailable\)\)/);
      return true;
    });
    assert.equal(logged.length, 3);
    for (const line of logged) assert.ok(!line.includes(TOKEN), line);
  });

  test("a tensor name echoing the token is quoted sanitised in a 502 denoiser_bad_response", async () => {
    const fetch = async () => Response.json(metadata(`Bearer ${TOKEN}`));
    const d = oipDenoiser(config, { fetch, authToken: TOKEN });
    await assert.rejects(evaluateRows(d, batchOf(1)), (e: unknown) => {
      assert.ok(e instanceof DenoiserBadResponseError, String(e));
      assert.deepEqual(leaks(e), []);
      assert.match(e.message, /no input named "sample" \(the model has "Bearer \[redacted\]", "timestep"\)/);
      return true;
    });
  });
});

describe("a provider echoing the bare token into values the Worker quotes (found by bench:reliability)", () => {
  const bare = (meta: ReturnType<typeof metadata>) => async () => Response.json(meta);
  const cases: [string, () => ReturnType<typeof metadata>][] = [
    ["an output datatype", () => ({ ...metadata(), outputs: [{ name: "model_output", datatype: TOKEN, shape: [-1, 3, 4] }] })],
    ["an input name", () => metadata(TOKEN)],
    ["an input name cut to 64 characters", () => metadata(`${TOKEN}${TOKEN}${TOKEN}`)],
    ["a shape", () => ({ ...metadata(), outputs: [{ name: "model_output", datatype: "FP32", shape: [TOKEN] as unknown as number[] }] })],
  ];
  for (const [where, meta] of cases) {
    test(`${where}: the error names no part of the token`, async () => {
      const d = oipDenoiser(config, { fetch: bare(meta()), authToken: TOKEN });
      await assert.rejects(evaluateRows(d, batchOf(1)), (e: unknown) => {
        assert.ok(e instanceof Error, String(e));
        assert.ok(!e.message.includes(TOKEN.slice(0, 8)), e.message);
        return true;
      });
    });
  }
});

describe("sanitise", () => {
  test("secrets this Worker sent, credential-like words and control characters are removed; the text is cut", () => {
    const secrets = secretsOf({ "content-type": "application/octet-stream", "x-api-key": "abcdef123456", authorization: `Bearer ${TOKEN}` });
    assert.ok(secrets.includes(TOKEN) && secrets.includes("abcdef123456") && !secrets.includes("application/octet-stream"));
    assert.equal(sanitise(`got key abcdef123456 and ${TOKEN}`, 200, secrets), "got key [redacted] and [redacted]");
    assert.equal(sanitise('{"Authorization": "Basic dXNlcjpwYXNz", api_key=xyz987}', 200), '{"Authorization": "[redacted] [redacted]", api_key=[redacted]}');
    assert.equal(sanitise("Bearer dXNlcjpwYXNz", 200), "Bearer [redacted]");
    assert.equal(sanitise("line one\n\u001b[31mline two\r\n", 200), "line one [31mline two");
    assert.equal(sanitise("x".repeat(1000), 10), `${"x".repeat(9)}\u2026`);
  });

  test("reason phrases come from this Worker's table, never the provider's", () => {
    assert.equal(statusText(503), "503 (Service Unavailable)");
    assert.equal(statusText(599), "599");
  });
});
