// Each injected provider fault gives its documented error class after the documented number of
// attempts: transient ones (drop, 5xx, 429, slow) are retried with capped jittered backoff and end
// in DenoiserTimeoutError (504, all timed out) or DenoiserUnavailableError (502) when the budget runs
// out; malformed answers (DenoiserBadResponseError) and 4xx (DenoiserRejectedRequestError) end at once (502).
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { backoffMs, oipDenoiser } from "../../src/denoisers/oip/index.ts";
import { evaluateRows } from "../../src/denoisers/collect.ts";
import { DenoiserBadResponseError, DenoiserRejectedRequestError, DenoiserTimeoutError, DenoiserUnavailableError } from "../../src/errors.ts";
import { faultPlan, type FaultKind } from "../../tools/provider/faults.ts";
import { batchOf, configFor, embedded, recordingSleep, start, type Provider } from "./fixtures.ts";

describe("oip faults", () => {
  let p: Provider;
  before(async () => void (p = await start()));
  after(() => p.close());
  beforeEach(() => {
    p.resetStats();
    p.setFaults(() => undefined);
  });

  const client = (extra: Record<string, unknown> = {}) => {
    const rec = recordingSleep();
    return { d: oipDenoiser(configFor(p, "mix", extra), { sleep: rec.sleep, random: () => 0.5 }), delays: rec.delays };
  };

  for (const kind of ["drop", "status-500", "status-503", "status-429", "slow"] as const) {
    test(`${kind} once: retried, then the right answer (2 calls)`, async () => {
      p.setFaults(faultPlan({ 0: { kind, ms: 1_000 } }));
      const { d, delays } = client({ timeout_ms: 200 });
      const batch = batchOf(4);
      assert.deepEqual(await evaluateRows(d, batch), embedded(batch));
      assert.equal(p.stats().inferCalls, 2);
      assert.equal(p.stats().faultsInjected, 1);
      assert.deepEqual(delays, [0.75]);
    });
  }

  const exhausted: [FaultKind, RegExp, typeof DenoiserTimeoutError | typeof DenoiserUnavailableError][] = [
    ["drop", /4 lost the connection; last: connection failed/, DenoiserUnavailableError],
    ["status-503", /4 answered an error status; last: provider answered 503 \(Service Unavailable\)\)$/, DenoiserUnavailableError],
    ["slow", /4 timed out; last: no answer within 100 ms/, DenoiserTimeoutError],
  ];
  for (const [kind, cause, kindOfError] of exhausted) {
    test(`${kind} on every call: ${kindOfError.name} after 1 + max_retries attempts, saying what happened`, async () => {
      p.setFaults(faultPlan({}, { n: 1, fault: { kind, ms: 1_000 } }));
      const { d, delays } = client({ timeout_ms: 100, retry: { max_retries: 3, base_delay_ms: 10, max_delay_ms: 25 } });
      await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
        assert.ok(e instanceof kindOfError, String(e));
        assert.match(e.message, /infer on model "mix": no usable answer after 4 attempts/);
        assert.match(e.message, cause);
        return true;
      });
      assert.equal(p.stats().inferCalls, 4);
      // Equal jitter with u = 0.5 on caps 10, 20, 25 (capped).
      assert.deepEqual(delays, [7.5, 15, 18.75]);
    });
  }

  const fatal: [FaultKind, RegExp][] = [
    ["status-400", /^infer on model "mix": provider answered 400 \(Bad Request\), refusing the request this Worker sent/],
    ["status-401", /provider answered 401 \(Unauthorized\)/],
    ["wrong-shape", /output shape \[3,3,4\], expected \[2,3,4\]/],
    ["wrong-dtype", /output dtype FP64, expected FP32/],
    ["nan", /non-finite value NaN in row 1/],
    ["short-body", /binary part has 92 bytes, binary_data_size adds up to 96/],
    ["bad-header", /header is not JSON/],
  ];
  for (const [kind, cause] of fatal) {
    test(`${kind}: 502 naming the cause, not retried`, async () => {
      p.setFaults(faultPlan({ 0: kind }));
      const { d, delays } = client();
      await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => {
        // A refused request is the Worker's or the deployment's fault, not a malformed answer.
        const expected = kind.startsWith("status-") ? DenoiserRejectedRequestError : DenoiserBadResponseError;
        assert.ok(e instanceof expected, String(e));
        assert.match(e.message, cause);
        return true;
      });
      assert.equal(p.stats().inferCalls, 1);
      assert.deepEqual(delays, []);
    });
  }

  test("after a malformed answer the next round reads the metadata again (the model may have changed)", async () => {
    p.setFaults(faultPlan({ 1: "wrong-shape" }));
    const { d } = client();
    await evaluateRows(d, batchOf(2));
    await assert.rejects(evaluateRows(d, batchOf(2)), DenoiserBadResponseError);
    await evaluateRows(d, batchOf(2));
    assert.equal(p.stats().metadataCalls, 2);
    assert.equal(p.stats().inferCalls, 3);
  });

  test("a malformed JSON answer is refused too (NaN has no JSON form: null)", async () => {
    p.setFaults(faultPlan({ 0: "nan" }));
    await assert.rejects(evaluateRows(client({ binary: false }).d, batchOf(2)), /output data\[23\] is not a number/);
  });

  test("one bad call of a split round fails the whole round and stops its other calls", async () => {
    p.setFaults(faultPlan({ 1: "wrong-shape" }));
    const { d } = client({ max_rows_per_call: 2, max_concurrent_calls: 1 });
    await assert.rejects(evaluateRows(d, batchOf(10)), DenoiserBadResponseError);
    assert.equal(p.stats().inferCalls, 2, "calls after the failure are not sent");
  });

  test("the caller's abort ends the call at once and is not retried", async () => {
    p.setFaults(faultPlan({ 0: { kind: "slow", ms: 5_000 } }));
    const { d } = client({ timeout_ms: 10_000 });
    const ctrl = new AbortController();
    const reason = new Error("client went away");
    setTimeout(() => ctrl.abort(reason), 50);
    const started = performance.now();
    await assert.rejects(evaluateRows(d, batchOf(2), ctrl.signal), (e: unknown) => e === reason);
    assert.ok(performance.now() - started < 2_000);
    assert.equal(p.stats().inferCalls, 1);
  });

  test("backoff: uniform in [cap/2, cap), cap doubling up to max_delay_ms", () => {
    const policy = { maxRetries: 5, baseDelayMs: 100, maxDelayMs: 1_000 };
    assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffMs(policy, n, 0)), [50, 100, 200, 400, 500]);
    assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffMs(policy, n, 1)), [100, 200, 400, 800, 1000]);
  });
});
