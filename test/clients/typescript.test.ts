// The TypeScript client (clients/typescript/) against the deploy bundle under workerd, over HTTP.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Miniflare } from "miniflare";
import { createSampleClient, readSampleEvents, SampleApiError, type SampleInput, type StreamEvent } from "../../clients/typescript/client.ts";
import { documentText, openApiDocument } from "../../clients/typescript/openapi-doc.ts";
import { startWorker } from "../helpers/worker.ts";

const collect = async (events: AsyncIterable<StreamEvent>) => {
  const out: StreamEvent[] = [];
  for await (const ev of events) out.push(ev);
  return out;
};

/** Rejects with a SampleApiError whose status, code and field are these. */
const rejectsWith = (p: Promise<unknown>, status: number, code: string, field?: string) =>
  assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof SampleApiError, `not a SampleApiError: ${String(err)}`);
    assert.deepEqual({ status: err.status, code: err.code, field: err.field }, { status, code, field });
    return true;
  });

const request: SampleInput = { model: "ring-2d", num_samples: 4, steps: 20, method: "block", draft: { window: 4 }, seed: 7 };

describe("typescript client: the bundle under workerd", () => {
  let mf: Miniflare;
  let locked: Miniflare;
  let url: string;
  let lockedUrl: string;
  before(async () => {
    // ring-short: a 300 ms deadline, so that a long run ends with an in-band `event: error`.
    mf = startWorker({ bindings: { MODELS: JSON.stringify([{ id: "ring-short", provider: "embedded", mixture: "ring-2d", limits: { deadline_ms: 300 } }]) } });
    locked = startWorker({ bindings: { API_TOKEN: "s3cret" } });
    url = String(await mf.ready);
    lockedUrl = String(await locked.ready);
  });
  after(async () => {
    await mf?.dispose();
    await locked?.dispose();
  });

  test("samples(): the request's fields reach the Worker and the answer is the JSON body a plain fetch gets", async () => {
    const answer = await createSampleClient(url).samples(request);
    assert.deepEqual(answer.samples.shape, [4, 2]);
    assert.equal(answer.samples.dtype, "float32");
    assert.equal(answer.samples.data.length, 8);
    assert.ok(answer.samples.data.every(Number.isFinite));
    assert.equal(answer.seed, 7);
    assert.equal(answer.stats.method, "block");
    assert.equal(answer.stats.steps, 20);
    assert.equal(answer.stats.chains.length, 4);
    assert.ok(answer.stats.rounds >= 1 && answer.stats.rounds <= 20);
    const plain = await fetch(new URL("/v1/samples", url), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(request) });
    assert.equal(plain.status, 200);
    assert.deepEqual(answer.samples.data, ((await plain.json()) as typeof answer).samples.data);
  });

  test("stream(): round events in order, then the result, equal to the same seed's samples()", async () => {
    const client = createSampleClient(url);
    const events = await collect(client.stream(request));
    const last = events.at(-1)!;
    assert.equal(last.event, "result");
    const rounds = events.slice(0, -1);
    assert.ok(rounds.length >= 1, "no round event");
    let previous = 0;
    for (const ev of rounds) {
      assert.equal(ev.event, "round");
      if (ev.event !== "round") continue;
      assert.ok(ev.data.round > previous, `round ${ev.data.round} after ${previous}`);
      previous = ev.data.round;
      assert.equal(ev.data.committed.length, 4);
      // 4 chains x 2 values: within the preview budget, so each event carries every chain's x0.
      assert.equal(ev.data.x0?.length, 4);
      assert.equal(ev.data.x0?.[0].length, 2);
    }
    assert.deepEqual((rounds.at(-1)!.data as { committed: number[] }).committed, [20, 20, 20, 20]);
    if (last.event !== "result") return;
    assert.equal(last.data.stats.rounds, previous);
    assert.deepEqual(last.data.samples.data, (await client.samples(request)).samples.data);
  });

  test("errors: 422 carries code and field, from samples() and from stream() before any event", async () => {
    const client = createSampleClient(url);
    await rejectsWith(client.samples({ model: "ring-2d", draft: { window: 99 } }), 422, "invalid_request", "draft.window");
    await rejectsWith(client.samples({ model: "no-such-model" }), 422, "invalid_request", "model");
    await rejectsWith(collect(client.stream({ model: "ring-2d", draft: { window: 99 } })), 422, "invalid_request", "draft.window");
  });

  test("stream(): an in-band event: error (deadline) is thrown with the stream's status", async () => {
    const scheduler = { beta_schedule: "squaredcos_cap_v2" as const, num_train_timesteps: 100_000 };
    const seen: StreamEvent[] = [];
    await rejectsWith(
      (async () => {
        for await (const ev of createSampleClient(url).stream({ model: "ring-short", steps: 100_000, method: "sequential", scheduler })) seen.push(ev);
      })(),
      200,
      "deadline_exceeded",
    );
    assert.ok(seen.every((ev) => ev.event === "round"));
  });

  test("token: sent as a bearer token; without it 401 unauthorized", async () => {
    await rejectsWith(createSampleClient(lockedUrl).samples(request), 401, "unauthorized");
    await rejectsWith(createSampleClient(lockedUrl, "wrong").samples(request), 401, "unauthorized");
    const answer = await createSampleClient(lockedUrl, "s3cret").samples(request);
    assert.equal(answer.seed, 7);
    // The other routes through the typed openapi-fetch client.
    const health = await createSampleClient(lockedUrl).api.GET("/v1/health");
    assert.equal(health.data?.status, "ok");
  });
});

describe("typescript client: answers that are not the Worker's", () => {
  let server: Server;
  let url: string;
  before(async () => {
    // A proxy in front of the Worker: an HTML error page, not the API's error body.
    server = createServer((_req, res) => res.writeHead(502, { "content-type": "text/html" }).end("<html>bad gateway</html>"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  test("a non-API error body gives code http_<status> and its text", async () => {
    await assert.rejects(createSampleClient(url).samples(request), (err: unknown) => {
      assert.ok(err instanceof SampleApiError);
      assert.equal(err.status, 502);
      assert.equal(err.code, "http_502");
      assert.equal(err.field, undefined);
      assert.match(err.message, /bad gateway/);
      return true;
    });
  });
});

describe("typescript client: stream parsing", () => {
  const body = (...chunks: string[]) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (const chunk of chunks) c.enqueue(new TextEncoder().encode(chunk));
        c.close();
      },
    });
  const result = { samples: { shape: [1, 1], dtype: "float32", data: [0.5] }, seed: 1, stats: {}, timing: {} };

  test("CRLF and CR line ends, comments, events split across chunks anywhere", async () => {
    const text = `event: round\r\ndata: {"round":1,"committed":[3],\r\ndata: "acceptance":0.5}\r\n\r\n: comment\revent: result\rdata: ${JSON.stringify(result)}\r\n\r\n`;
    const expected = [
      { event: "round", data: { round: 1, committed: [3], acceptance: 0.5 } },
      { event: "result", data: result },
    ];
    for (let cut = 0; cut <= text.length; cut++) assert.deepEqual(await collect(readSampleEvents(body(text.slice(0, cut), text.slice(cut)))), expected, `split at ${cut}`);
  });

  test("a stream cut off before its result event is an error, not a silent end", async () => {
    await assert.rejects(collect(readSampleEvents(body('event: round\ndata: {"round":1,"committed":[1],"acceptance":1}\n\n'))), /without a result/);
    // An event without its blank line at the end of the body is incomplete, and dropped.
    await assert.rejects(collect(readSampleEvents(body(`event: result\ndata: ${JSON.stringify(result)}\n`))), /without a result/);
  });
});

test("schema.d.ts was generated from the document the app serves now (else run clients/typescript/generate.sh)", async () => {
  const header = readFileSync(new URL("../../clients/typescript/schema.d.ts", import.meta.url), "utf8").match(/openapi\.json sha256: ([0-9a-f]{64})/);
  assert.ok(header, "schema.d.ts has no document hash in its header");
  const live = createHash("sha256").update(documentText(await openApiDocument())).digest("hex");
  assert.equal(header[1], live, "the OpenAPI document changed: regenerate with clients/typescript/generate.sh");
});
