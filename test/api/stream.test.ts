import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Miniflare } from "miniflare";
import { readEvents, type SseEvent } from "../../tools/cli/sse.ts";
import { startWorker } from "../helpers/worker.ts";
import { get, postSamples, type SampleBody } from "./client.ts";

let mf: Miniflare;
before(() => {
  mf = startWorker();
});
after(() => mf.dispose());

const request = { model: "ring-2d", num_samples: 2, steps: 16, method: "block", draft: { window: 4 }, seed: 9 };

const events = async (res: Response) => {
  const out: SseEvent[] = [];
  for await (const ev of readEvents(res)) out.push(ev);
  return out;
};

test("stream: round events in order, then one result equal to the non-streamed answer", async () => {
  const res = await postSamples(mf, { ...request, stream: true });
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/event-stream/);
  assert.equal(res.headers.get("x-seed"), "9");
  const all = await events(res);
  const rounds = all.slice(0, -1);
  assert.ok(rounds.length >= 1);
  rounds.forEach((ev, i) => {
    assert.equal(ev.event, "round");
    const r = ev.data as { round: number; committed: number[]; acceptance: number };
    assert.equal(r.round, i + 1);
    assert.equal(r.committed.length, 2);
    assert.ok(r.acceptance >= 0 && r.acceptance <= 1);
  });
  const last = all.at(-1)!;
  assert.equal(last.event, "result");
  const result = last.data as SampleBody;
  assert.equal(result.stats.rounds, rounds.length);
  assert.deepEqual((rounds.at(-1)!.data as { committed: number[] }).committed, [16, 16]);
  const plain = (await (await postSamples(mf, request)).json()) as SampleBody;
  assert.deepEqual(result.samples, plain.samples);
  assert.equal(result.seed, 9);
});

test("stream: without a seed the X-Seed header announces the one the server drew, as the result reports it", async () => {
  const { seed: _, ...unseeded } = request;
  const res = await postSamples(mf, { ...unseeded, stream: true });
  assert.equal(res.status, 200);
  const header = res.headers.get("x-seed");
  assert.match(header ?? "", /^\d+$/);
  const result = (await events(res)).at(-1)!;
  assert.equal(result.event, "result");
  assert.equal(String((result.data as SampleBody).seed), header);
});

test("stream: small requests carry an x0 preview per chain; the last one is the final sample", async () => {
  const all = await events(await postSamples(mf, { ...request, stream: true }));
  const rounds = all.slice(0, -1).map((ev) => ev.data as { x0?: number[][] });
  for (const r of rounds) {
    assert.equal(r.x0?.length, 2);
    for (const x0 of r.x0!) assert.ok(x0.length === 2 && x0.every(Number.isFinite));
  }
  // The last DDPM step is deterministic with mean = x0_hat, so the final preview is the sample itself.
  const result = all.at(-1)!.data as SampleBody;
  assert.deepEqual(rounds.at(-1)!.x0!.flat(), result.samples.data);
});

test("stream: large requests send no preview", async () => {
  const all = await events(await postSamples(mf, { model: "glyphs", num_samples: 17, steps: 4, stream: true, seed: 1 }));
  assert.equal((all[0].data as { x0?: unknown }).x0, undefined);
  assert.equal(all.at(-1)!.event, "result");
});

test("stream: Accept: text/event-stream asks for the same stream", async () => {
  const res = await postSamples(mf, request, { accept: "text/event-stream" });
  const all = await events(res);
  assert.equal(all.at(-1)!.event, "result");
});

test("stream: only JSON can be streamed (422 naming stream)", async () => {
  const res = await postSamples(mf, { ...request, stream: true, output: "npy" });
  assert.equal(res.status, 422);
  assert.equal(((await res.json()) as { error: { field: string } }).error.field, "stream");
});

test("stream: a client that disconnects mid-stream leaves the Worker serving", async () => {
  const res = await postSamples(mf, { model: "glyphs", num_samples: 8, steps: 400, method: "sequential", stream: true });
  const reader = res.body!.getReader();
  const first = await reader.read();
  assert.match(new TextDecoder().decode(first.value), /event: round/);
  await reader.cancel();
  const health = await get(mf, "/v1/health");
  assert.equal(health.status, 200);
});
