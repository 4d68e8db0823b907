// An isolate serves requests concurrently: each gets its own core.wasm instance, so answers
// must not depend on what else is in flight.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import type { Miniflare } from "miniflare";
import { startWorker } from "../helpers/worker.ts";
import { postSamples, type SampleBody } from "./client.ts";

let mf: Miniflare;
before(() => {
  mf = startWorker();
});
after(() => mf.dispose());

const requests = [
  { model: "ring-2d", num_samples: 8, steps: 60, method: "block", seed: 1 },
  { model: "glyphs", num_samples: 3, steps: 30, method: "token", seed: 2 },
  { model: "gmm-512", num_samples: 4, steps: 40, method: "block", draft: { window: 4 }, seed: 3 },
  { model: "ring-2d", num_samples: 5, steps: 80, method: "sequential", seed: 4 },
  { model: "ring-2d", num_samples: 2, steps: 50, method: "token", seed: 5, stream: true },
];

const samplesOf = async (res: Response): Promise<number[]> => {
  if (!res.headers.get("content-type")?.startsWith("text/event-stream")) return ((await res.json()) as SampleBody).samples.data;
  const text = await res.text();
  const result = text.split("\n\n").find((block) => block.startsWith("event: result"))!;
  return (JSON.parse(result.slice(result.indexOf("data: ") + 6)) as SampleBody).samples.data;
};

test("concurrent requests give the same samples as the same requests one at a time", async () => {
  const alone: number[][] = [];
  for (const r of requests) alone.push(await samplesOf(await postSamples(mf, r)));
  const together = await Promise.all(requests.map(async (r) => samplesOf(await postSamples(mf, r))));
  together.forEach((s, i) => assert.deepEqual(s, alone[i], `request ${i} changed when served concurrently`));
});
