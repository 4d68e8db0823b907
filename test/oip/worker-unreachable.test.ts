// Under workerd (Miniflare, the deploy bundle): a model whose provider is not running answers 502
// denoiser_unreachable naming the provider's host and how to start the local reference provider,
// plain and streamed, and becomes sampleable once the provider is started.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { after, before, describe, test } from "node:test";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { postSamples, type ErrorBody } from "../api/client.ts";
import { readEvents } from "../../tools/cli/sse.ts";
import { ANALYTIC_SCHEDULER } from "../../src/config/index.ts";
import { builtinModel } from "../../src/models/index.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";

const closedPort = async (): Promise<number> => {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
};

describe("Worker with a provider that is not running", () => {
  let mf: Miniflare;
  let port: number;
  let p: Provider | undefined;
  before(async () => {
    port = await closedPort();
    const settings = {
      base_url: `http://127.0.0.1:${port}`, model_name: "ring", inputs: { sample: "sample", timestep: "timestep" }, output: "model_output",
      timeout_ms: 2_000, retry: { max_retries: 2, base_delay_ms: 1, max_delay_ms: 2 },
    };
    const MODELS = JSON.stringify([{ id: "ring-local", provider: "oip", shape: [2], scheduler: ANALYTIC_SCHEDULER, settings }]);
    mf = startWorker({ bindings: { MODELS } });
  });
  after(async () => {
    await mf?.dispose();
    await p?.close();
  });

  const request = { model: "ring-local", num_samples: 2, steps: 10, seed: 3 };
  const expectUnreachable = (body: ErrorBody) => {
    assert.equal(body.error.code, "denoiser_unreachable", body.error.message);
    assert.match(body.error.message, new RegExp(`^metadata of model "ring": cannot connect to the provider at 127\\.0\\.0\\.1:${port} \\(3 attempts; `));
    assert.match(body.error.message, new RegExp(`Start it with: npm run provider -- --port ${port} --onnx ring=`));
  };

  test("502 denoiser_unreachable naming the host and how to start the provider", async () => {
    const res = await postSamples(mf, request);
    assert.equal(res.status, 502);
    expectUnreachable((await res.json()) as ErrorBody);
  });

  test("streamed: an error event with the same body", async () => {
    const res = await postSamples(mf, { ...request, stream: true });
    assert.equal(res.status, 200);
    const events = [];
    for await (const ev of readEvents(res)) events.push(ev);
    assert.equal(events.at(-1)?.event, "error");
    expectUnreachable(events.at(-1)!.data as ErrorBody);
  });

  test("once the provider listens on that port, the same request samples", async () => {
    const ring = builtinModel("ring-2d")!;
    p = await startProvider({ port, models: [{ name: "ring", mixture: ring, scheduler: { ...ANALYTIC_SCHEDULER } }] });
    // A failed metadata read is kept briefly (metadata.ts); retry until it expires.
    let res: Response | undefined;
    for (let i = 0; i < 40; i++) {
      res = await postSamples(mf, request);
      if (res.status === 200) break;
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(res?.status, 200);
  });
});
