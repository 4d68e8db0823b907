// The OIP client against the reference provider: exact FP32 round trips (binary and JSON), FP16
// within its rounding, splitting, row independence, timestep dtypes and auth.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { oipDenoiser, roundToFp16, type OipCallEvent } from "../../src/denoisers/oip/index.ts";
import { evaluateRows } from "../../src/denoisers/collect.ts";
import { DenoiserRejectedRequestError } from "../../src/errors.ts";
import { batchOf, configFor, embedded, start, type Provider } from "./fixtures.ts";

describe("oip client", () => {
  let p: Provider;
  before(async () => void (p = await start()));
  after(() => p.close());

  test("FP32 binary: outputs bit-identical to the embedded model", async () => {
    const batch = batchOf(9);
    const d = oipDenoiser(configFor(p, "mix"));
    assert.equal(d.dim, 12);
    assert.equal(d.config.predictionType, "epsilon");
    assert.deepEqual(await evaluateRows(d, batch), embedded(batch));
  });

  test("FP32 JSON tensors: the same bits as the binary path", async () => {
    const batch = batchOf(7, 3);
    const d = oipDenoiser(configFor(p, "mix", { binary: false }));
    assert.deepEqual(await evaluateRows(d, batch), embedded(batch));
  });

  for (const binary of [true, false]) {
    test(`FP16 ${binary ? "binary" : "JSON"}: exactly the model at FP16 inputs, rounded to FP16`, async () => {
      const batch = batchOf(8, 5);
      const d = oipDenoiser(configFor(p, "mix-fp16", { wire_dtype: "FP16", binary }));
      const got = await evaluateRows(d, batch);
      const want = roundToFp16(embedded({ x: roundToFp16(batch.x), alphaBar: batch.alphaBar }));
      assert.deepEqual(got, want);
      // And close to the FP32 answer: FP16 keeps 11 significant bits.
      const exact = embedded(batch);
      for (let i = 0; i < got.length; i++) assert.ok(Math.abs(got[i] - exact[i]) <= 2e-2 * Math.max(1, Math.abs(exact[i])), `value ${i}`);
    });
  }

  test("x0 prediction with FP32 timesteps of shape [rows, 1], as the metadata declares", async () => {
    const batch = batchOf(5, 8);
    const d = oipDenoiser(configFor(p, "mix-x0", { prediction_type: "sample" }));
    assert.deepEqual(await d.ready(), { timestepDtype: "FP32", timestepRank: 2 });
    assert.deepEqual(await evaluateRows(d, batch), embedded(batch, "x0"));
  });

  test("a round over max_rows_per_call is split into concurrent calls with the same outputs", async () => {
    const batch = batchOf(23, 11);
    const events: OipCallEvent[] = [];
    const whole = await evaluateRows(oipDenoiser(configFor(p, "mix")), batch);
    const d = oipDenoiser(configFor(p, "mix", { max_rows_per_call: 5, max_concurrent_calls: 2 }), { onCall: (e) => events.push(e) });
    p.resetStats();
    assert.deepEqual(await evaluateRows(d, batch), whole);
    const infers = events.filter((e) => e.kind === "infer");
    assert.deepEqual(infers.map((e) => e.rows).sort(), [4, 4, 5, 5, 5]);
    assert.equal(p.stats().inferCalls, 5);
    assert.equal(p.stats().rowsServed, 23);
  });

  test("rows are independent: a row's output does not depend on its neighbours", async () => {
    const batch = batchOf(6, 13);
    const d = oipDenoiser(configFor(p, "mix"));
    const all = await evaluateRows(d, batch);
    for (const r of [0, 3, 5]) {
      const one = { rows: 1, x: batch.x.slice(r * 12, r * 12 + 12), timesteps: batch.timesteps.slice(r, r + 1), alphaBar: batch.alphaBar.slice(r, r + 1) };
      assert.deepEqual(await evaluateRows(d, one), all.slice(r * 12, r * 12 + 12));
    }
  });

  test("metadata is read once per instance; an empty round makes no call", async () => {
    const d = oipDenoiser(configFor(p, "mix"));
    p.resetStats();
    await evaluateRows(d, batchOf(2));
    await evaluateRows(d, batchOf(3));
    assert.equal((await evaluateRows(d, batchOf(0))).length, 0);
    assert.equal(p.stats().metadataCalls, 1);
    assert.equal(p.stats().inferCalls, 2);
  });

  test("bytes on the wire: FP16 sends about half of FP32", async () => {
    const sizes: Record<string, number> = {};
    for (const [model, dtype] of [["mix", "FP32"], ["mix-fp16", "FP16"]] as const) {
      let sent = 0;
      await evaluateRows(oipDenoiser(configFor(p, model, { wire_dtype: dtype }), { onCall: (e) => void (sent += e.bytesSent) }), batchOf(64));
      sizes[dtype] = sent;
    }
    // Payload: 64 x 12 values + 64 INT64 timesteps, plus a JSON header of a few hundred bytes.
    assert.ok(sizes.FP32 > 64 * 12 * 4 + 64 * 8 && sizes.FP32 < 64 * 12 * 4 + 64 * 8 + 600, `FP32 ${sizes.FP32}`);
    assert.ok(sizes.FP16 > 64 * 12 * 2 + 64 * 8 && sizes.FP16 < 64 * 12 * 2 + 64 * 8 + 600, `FP16 ${sizes.FP16}`);
  });
});

describe("oip auth", () => {
  let p: Provider;
  before(async () => void (p = await start({ token: "s3cret" })));
  after(() => p.close());
  const auth = { auth: { secret: "PROVIDER_TOKEN" } };

  test("the bearer token from the secret is sent", async () => {
    const batch = batchOf(3);
    assert.deepEqual(await evaluateRows(oipDenoiser(configFor(p, "mix", auth), { authToken: "s3cret" }), batch), embedded(batch));
  });

  test("a refused token is a 502 naming the status, not retried", async () => {
    const d = oipDenoiser(configFor(p, "mix", auth), { authToken: "wrong" });
    p.resetStats();
    await assert.rejects(evaluateRows(d, batchOf(2)), (e: unknown) => e instanceof DenoiserRejectedRequestError && /metadata of model "mix": provider answered 401/.test(e.message));
    assert.equal(p.stats().metadataCalls, 0);
  });

  test("a configuration naming a secret that is not set fails at construction", () => {
    assert.throws(() => oipDenoiser(configFor(p, "mix", auth)), /needs the secret PROVIDER_TOKEN/);
  });
});
