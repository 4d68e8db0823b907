// Request bodies are capped before anything parses them: Content-Length, the bytes a chunked body
// actually streams, and the JSON's depth and counts (413 limit_exceeded naming the limit), while the
// largest request the other limits admit still fits.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { after, before, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { createApp } from "../../src/app.ts";
import { MAX_BODY_BYTES } from "../../src/api/body.ts";
import { JSON_LIMITS, checkJsonShape, measureJson } from "../../src/api/json-shape.ts";
import { MIXTURE_LIMITS } from "../../src/models/mixture.ts";
import { coreModule } from "../../tools/fixtures/core.ts";
import { startWorker } from "../helpers/worker.ts";
import { postSamples, type ErrorBody } from "./client.ts";

const app = createApp({ coreModule: coreModule() });
const utf8 = new TextEncoder();

const post = (body: BodyInit, headers: Record<string, string> = {}) =>
  app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json", ...headers }, body, duplex: "half" } as RequestInit);

const limitError = async (res: Response, limit: string) => {
  const body = (await res.json()) as ErrorBody;
  assert.equal(res.status, 413, JSON.stringify(body));
  assert.equal(body.error.code, "limit_exceeded");
  assert.equal(body.error.field, "body");
  assert.match(body.error.message, new RegExp(`limit ${limit} is \\d+`));
  return body.error.message;
};

// A body that streams `chunk` forever (no Content-Length), counting what was pulled.
const endless = (chunk: Uint8Array) => {
  const pulled = { bytes: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      pulled.bytes += chunk.byteLength;
      c.enqueue(chunk);
    },
  });
  return { stream, pulled };
};

const request = (scheduler: string) => `{"model":"ring-2d","steps":5,"seed":1,"scheduler":${scheduler}}`;

describe("body_bytes", () => {
  test("a Content-Length over the limit is refused before the body is read", async () => {
    const { stream, pulled } = endless(utf8.encode(" ".repeat(1024)));
    const message = await limitError(await post(stream, { "content-length": String(MAX_BODY_BYTES + 1) }), "body_bytes");
    assert.match(message, new RegExp(`Content-Length is ${MAX_BODY_BYTES + 1} bytes`));
    assert.ok(pulled.bytes <= 64 * 1024, `read ${pulled.bytes} bytes of a body it refused by its length`);
  });

  test("a chunked body (no Content-Length) is cut off as soon as it passes the limit", async () => {
    const chunk = utf8.encode(" ".repeat(1 << 20));
    const { stream, pulled } = endless(chunk);
    const message = await limitError(await post(stream), "body_bytes");
    assert.match(message, new RegExp(`passed ${MAX_BODY_BYTES} bytes`));
    // The stream's internal queue may hold a chunk or two more than were read.
    assert.ok(pulled.bytes <= MAX_BODY_BYTES + 3 * chunk.byteLength, `pulled ${pulled.bytes} bytes`);
  });

  test("a chunked body under the limit is read whole and served", async () => {
    const text = utf8.encode(request("{}"));
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < text.length; i += 7) c.enqueue(text.subarray(i, i + 7));
        c.close();
      },
    });
    const res = await post(stream);
    assert.equal(res.status, 200, await res.clone().text());
  });

  test("the largest inline mixture the other limits admit fits the body and JSON limits", () => {
    // MIXTURE_LIMITS.maxMeanValues means of 7 characters ("-0.1234") in 64 rows: the largest mixture validate.ts accepts.
    const k = 64, d = MIXTURE_LIMITS.maxMeanValues / k;
    const row = `[${Array.from({ length: d }, (_, j) => (j % 2 ? "-0.1234" : "0.98765")).join(",")}]`;
    const body = utf8.encode(`{"model":{"type":"gmm","std":0.1,"means":[${Array(k).fill(row).join(",")}],"weights":[${Array(k).fill(1).join(",")}]},"method":"sequential","steps":5}`);
    assert.ok(body.byteLength <= MAX_BODY_BYTES, `${body.byteLength} > ${MAX_BODY_BYTES}`);
    assert.doesNotThrow(() => checkJsonShape(body));
    assert.equal(measureJson(body).numbers, MIXTURE_LIMITS.maxMeanValues + k + 2);
  });
});

describe("JSON shape", () => {
  test("nesting deeper than any request needs is refused (body_depth), in any key", async () => {
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    await limitError(await post(request(`{"foo":${deep(100_000)}}`)), "body_depth");
    await limitError(await post(`{"model":${deep(20)}}`), "body_depth");
    // What a request needs: body > model > means > row.
    const res = await post(JSON.stringify({ model: { type: "gmm", means: [[0, 0], [1, 1]], std: 0.5 }, steps: 5 }));
    assert.equal(res.status, 200, await res.clone().text());
  });

  test("many arrays or objects are refused (body_containers), also in a key the sampler never reads", async () => {
    await limitError(await post(request(`{"foo":[${Array(JSON_LIMITS.containers).fill("[]").join(",")}]}`)), "body_containers");
    await limitError(await post(request(`{"foo":[${Array(JSON_LIMITS.containers).fill("{}").join(",")}]}`)), "body_containers");
  });

  test("many keys or strings are refused (body_strings)", async () => {
    const keys = Array.from({ length: JSON_LIMITS.strings }, (_, i) => `"k${i}":0`).join(",");
    await limitError(await post(request(`{${keys}}`)), "body_strings");
  });

  test("more numbers than the largest mixture and trained_betas hold are refused (body_numbers)", async () => {
    // {"model": ..., "scheduler": {"foo": [0,1,1,...]}} with 4 x 2^19 + 1 numbers (4 MiB, under body_bytes), streamed.
    const parts = [utf8.encode('{"model":"ring-2d","steps":5,"scheduler":{"foo":[0'), ...Array(4).fill(utf8.encode(",1".repeat(1 << 19))), utf8.encode("]}}")];
    assert.ok(4 * (1 << 19) > JSON_LIMITS.numbers);
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = parts.shift();
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    await limitError(await post(stream), "body_numbers");
  });

  test("the scan counts strings, numbers and containers as a parser sees them", () => {
    const text = '{"a\\"[{": [1, -2.5e-3, 1E+9, 0], "b": "]}\\\\", "c": [true, false, null, {"d": "x"}]}';
    assert.deepEqual(measureJson(utf8.encode(text)), { depth: 3, containers: 4, strings: 6, numbers: 4 });
  });

  test("under a 128 MB heap, a 5 MB body of nested arrays is refused, not an out-of-memory crash", () => {
    // Before the JSON shape check, parsing and validating this body took the heap past 128 MB.
    const script = `
      import { createApp } from ${JSON.stringify(new URL("../../src/app.ts", import.meta.url).href)};
      import { coreModule } from ${JSON.stringify(new URL("../../tools/fixtures/core.ts", import.meta.url).href)};
      const app = createApp({ coreModule: coreModule() });
      const n = 2_500_000;
      const body = '{"model":"ring-2d","steps":5,"scheduler":{"foo":' + "[".repeat(n) + "]".repeat(n) + "}}";
      const res = await app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json" }, body });
      console.log(res.status);`;
    const r = spawnSync(process.execPath, ["--max-old-space-size=128", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr.slice(0, 2000));
    assert.equal(r.stdout.trim(), "413");
  });
});

describe("under workerd (the deploy bundle)", () => {
  let mf: Miniflare;
  before(() => {
    mf = startWorker();
  });
  after(() => mf.dispose());

  test("a body over body_bytes answers 413 naming the limit", async () => {
    const res = await postSamples(mf, `{"model":"ring-2d","pad":"${" ".repeat(MAX_BODY_BYTES)}"}`);
    const body = (await res.json()) as ErrorBody;
    assert.equal(res.status, 413, JSON.stringify(body));
    assert.match(body.error.message, new RegExp(`limit body_bytes is ${MAX_BODY_BYTES} bytes \\(9 MiB\\)`));
  });

  test("a request under the limits is served as before", async () => {
    const res = await postSamples(mf, { model: "ring-2d", steps: 5, seed: 1, scheduler: { _diffusers_version: "0.30.0", foo: [1, 2, 3] } });
    assert.equal(res.status, 200, await res.clone().text());
  });
});
