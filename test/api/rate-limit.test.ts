// Rate limit of POST /v1/samples (src/api/rate-limit.ts): Cloudflare's rate-limiting binding, keyed by
// the client's IP; 429 rate_limited with Retry-After; no binding, no limit.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import type { Miniflare } from "miniflare";
import { experimental_readRawConfig } from "wrangler";
import { createApp } from "../../src/app.ts";
import { RATE_LIMIT_PERIOD_S } from "../../src/api/rate-limit.ts";
import { loadCoreModule } from "../../tools/core-module.ts";
import { startWorker } from "../helpers/worker.ts";
import { get, postSamples, type ErrorBody } from "./client.ts";

const LIMIT = 3;
const request = { model: "ring-2d", num_samples: 1, steps: 2, seed: 1 };

test("wrangler.toml states the limit: SAMPLES_RATE_LIMITER, its period the code's Retry-After", () => {
  const { rawConfig } = experimental_readRawConfig({ config: fileURLToPath(new URL("../../wrangler.toml", import.meta.url)) });
  const limiters = (rawConfig as { ratelimits?: Array<{ name: string; namespace_id: string; simple: { limit: number; period: number } }> }).ratelimits ?? [];
  const samples = limiters.find((r) => r.name === "SAMPLES_RATE_LIMITER");
  assert.ok(samples, "no [[ratelimits]] named SAMPLES_RATE_LIMITER");
  assert.equal(samples.simple.period, RATE_LIMIT_PERIOD_S);
  assert.ok(Number.isInteger(samples.simple.limit) && samples.simple.limit > 0);
  assert.match(samples.namespace_id, /^[1-9][0-9]*$/);
});

// Miniflare counts in windows aligned to the clock: a run of requests that straddles a window's end is
// counted in two. Such a run is tried again (at most once: the windows are a minute long).
const inOneWindow = async (run: () => Promise<void>) => {
  const window = () => Math.floor(Date.now() / (RATE_LIMIT_PERIOD_S * 1000));
  for (let attempt = 0; ; attempt++) {
    const start = window();
    try {
      await run();
      return;
    } catch (err) {
      if (window() === start || attempt > 0) throw err;
    }
  }
};

describe(`under workerd (the bundle in Miniflare), limit ${LIMIT} a period`, () => {
  let open: Miniflare;
  let locked: Miniflare;
  const ratelimits = { SAMPLES_RATE_LIMITER: { namespace_id: "1001", simple: { limit: LIMIT, period: RATE_LIMIT_PERIOD_S as 60 } } };
  before(() => {
    open = startWorker({ ratelimits });
    locked = startWorker({ ratelimits, bindings: { API_TOKEN: "s3cret" } });
  });
  after(async () => {
    await open?.dispose();
    await locked?.dispose();
  });

  let ips = 0;
  const freshIp = () => `203.0.113.${++ips}`;

  test("open deployment, per IP: the limit passes, the next is 429 rate_limited with Retry-After; another IP is not held", () =>
    inOneWindow(async () => {
      const ip = freshIp();
      for (let i = 0; i < LIMIT; i++) assert.equal((await postSamples(open, request, { "cf-connecting-ip": ip })).status, 200);
      const res = await postSamples(open, request, { "cf-connecting-ip": ip });
      assert.equal(res.status, 429);
      assert.equal(res.headers.get("retry-after"), String(RATE_LIMIT_PERIOD_S));
      const { error } = (await res.json()) as ErrorBody;
      assert.equal(error.code, "rate_limited");
      assert.match(error.message, new RegExp(`retry after ${RATE_LIMIT_PERIOD_S} s`));
      // A bearer token the deployment does not check is the client's to choose: it does not change the key.
      assert.equal((await postSamples(open, request, { "cf-connecting-ip": ip, authorization: "Bearer fresh" })).status, 429);
      assert.equal((await postSamples(open, request, { "cf-connecting-ip": freshIp() })).status, 200);
      // Only sampling is limited.
      for (let i = 0; i <= LIMIT; i++) assert.equal((await get(open, "/v1/models", { "cf-connecting-ip": ip })).status, 200);
    }));

  test("with API_TOKEN, still per IP (one shared token is no bucket for everyone); refused tokens (401) count nothing", () =>
    inOneWindow(async () => {
      const auth = { authorization: "Bearer s3cret" };
      const ip = freshIp();
      for (let i = 0; i <= LIMIT; i++) assert.equal((await postSamples(locked, request, { authorization: "Bearer wrong", "cf-connecting-ip": ip })).status, 401);
      for (let i = 0; i < LIMIT; i++) assert.equal((await postSamples(locked, request, { ...auth, "cf-connecting-ip": ip })).status, 200);
      const res = await postSamples(locked, request, { ...auth, "cf-connecting-ip": ip });
      assert.equal(res.status, 429);
      assert.equal(((await res.json()) as ErrorBody).error.code, "rate_limited");
      assert.equal((await postSamples(locked, request, { ...auth, "cf-connecting-ip": freshIp() })).status, 200, "another client with the same token is not held");
    }));

  test("a stream is one request", () =>
    inOneWindow(async () => {
      const ip = freshIp();
      for (let i = 0; i < LIMIT; i++) {
        const res = await postSamples(open, { ...request, stream: true }, { "cf-connecting-ip": ip });
        assert.equal(res.status, 200);
        await res.text();
      }
      assert.equal((await postSamples(open, { ...request, stream: true }, { "cf-connecting-ip": ip })).status, 429);
    }));
});

describe("the key (the app in Node, a recording limiter)", () => {
  const app = createApp({ coreModule: loadCoreModule() });
  const recording = () => {
    const keys: string[] = [];
    const limiter = { limit: async ({ key }: { key: string }) => (keys.push(key), { success: true }) };
    return { keys, limiter };
  };
  const post = (env: Record<string, unknown>, headers: Record<string, string> = {}) =>
    app.request("/v1/samples", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(request) }, env);

  test("the client's IP, with or without API_TOKEN; never the token", async () => {
    const { keys, limiter } = recording();
    assert.equal((await post({ SAMPLES_RATE_LIMITER: limiter, API_TOKEN: "s3cret" }, { authorization: "Bearer s3cret", "cf-connecting-ip": "198.51.100.7" })).status, 200);
    assert.equal((await post({ SAMPLES_RATE_LIMITER: limiter }, { authorization: "Bearer mine", "cf-connecting-ip": "198.51.100.8" })).status, 200);
    assert.equal((await post({ SAMPLES_RATE_LIMITER: limiter })).status, 200);
    assert.deepEqual(keys, ["ip:198.51.100.7", "ip:198.51.100.8", "ip:unknown"]);
  });

  test("no binding, no limit", async () => {
    for (let i = 0; i < 10; i++) assert.equal((await post({})).status, 200);
  });
});
