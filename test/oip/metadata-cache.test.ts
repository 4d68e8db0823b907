// Model metadata failures are kept briefly: a provider that refuses every call costs one metadata
// read per METADATA_RECHECK_MS, not one per failed request (which was 3,192 extra reads in 20 s).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { oipDenoiser } from "../../src/denoisers/oip/index.ts";
import { METADATA_RECHECK_MS, metadataCache, type WirePlan } from "../../src/denoisers/oip/metadata.ts";
import { evaluateRows } from "../../src/denoisers/collect.ts";
import { DenoiserBadResponseError, DenoiserRejectedRequestError } from "../../src/errors.ts";
import { faultPlan } from "../../tools/provider/faults.ts";
import { batchOf, configFor, start, type Provider } from "./fixtures.ts";

describe("against the reference provider", () => {
  let p: Provider;
  const warn = console.warn;
  before(async () => {
    p = await start();
    console.warn = () => {};
  });
  after(async () => {
    console.warn = warn;
    await p.close();
  });
  beforeEach(() => {
    p.resetStats();
    p.setFaults(() => undefined);
  });

  test("a provider answering 400 to every infer: 20 failed calls read the metadata twice, not 20 times", async () => {
    p.setFaults(faultPlan({}, { n: 1, fault: "status-400" }));
    const d = oipDenoiser(configFor(p, "mix"));
    for (let i = 0; i < 20; i++) await assert.rejects(evaluateRows(d, batchOf(2)), DenoiserRejectedRequestError);
    assert.equal(p.stats().inferCalls, 20);
    // The first read, and one re-check right after the first refusal (the model may have changed).
    assert.equal(p.stats().metadataCalls, 2);
  });

  test("an unknown model: the failed metadata read answers the next requests without asking again", async () => {
    let reads = 0;
    const fetch = (url: string, init: RequestInit) => {
      if (init.method === "GET") reads++;
      return globalThis.fetch(url, init);
    };
    const d = oipDenoiser(configFor(p, "nope"), { fetch });
    for (let i = 0; i < 10; i++) await assert.rejects(evaluateRows(d, batchOf(1)), /metadata of model "nope": provider answered 404/);
    assert.equal(reads, 1);
  });
});

describe("metadataCache", () => {
  const plan: WirePlan = { timestepDtype: "INT64", timestepRank: 1 };
  const clock = () => {
    const c = { t: 1_000, now: () => c.t };
    return c;
  };
  const counting = (outcomes: (WirePlan | Error)[]) => {
    const r = { calls: 0, read: async () => {
      const o = outcomes[Math.min(r.calls++, outcomes.length - 1)];
      if (o instanceof Error) throw o;
      return o;
    } };
    return r;
  };

  test("a failure stands for the recheck period, then the model is asked again", async () => {
    const c = clock();
    const cache = metadataCache(c.now);
    const r = counting([new DenoiserRejectedRequestError("404"), plan]);
    await assert.rejects(cache.get(r.read), /404/);
    c.t += METADATA_RECHECK_MS - 1;
    await assert.rejects(cache.get(r.read), /404/);
    assert.equal(r.calls, 1);
    c.t += 1;
    assert.deepEqual(await cache.get(r.read), plan);
    assert.equal(r.calls, 2);
  });

  test("a doubted plan is re-read at once, then at most once per period", async () => {
    const c = clock();
    const cache = metadataCache(c.now);
    const r = counting([plan]);
    await cache.get(r.read);
    for (let i = 0; i < 100; i++) {
      cache.failed(new DenoiserBadResponseError("wrong shape"));
      await cache.get(r.read);
      c.t += 100; // 9.9 s in all
    }
    // The first read, the immediate re-check, and one more 5 s after it.
    assert.equal(r.calls, 3);
  });

  test("failures that say nothing about the model neither doubt the plan nor stick", async () => {
    const c = clock();
    const cache = metadataCache(c.now);
    const r = counting([new Error("aborted"), plan]);
    await assert.rejects(cache.get(r.read), /aborted/);
    assert.deepEqual(await cache.get(r.read), plan);
    cache.failed(new Error("the client went away"));
    await cache.get(r.read);
    assert.equal(r.calls, 2);
  });
});
