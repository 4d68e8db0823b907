// The learned digits model (models/digits/model.onnx) served by the reference provider: the client
// accepts its declared metadata and gets, over the FP32 wire, exactly what onnxruntime computes.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { oipDenoiser, parseOipConfig } from "../../src/denoisers/oip/index.ts";
import { evaluateRows } from "../../src/denoisers/collect.ts";
import { startProvider, type Provider } from "../../tools/provider/server.ts";
import type { OnnxDenoiser } from "../../tools/provider/onnx-model.ts";

const MODEL = fileURLToPath(new URL("../../models/digits/model.onnx", import.meta.url));

describe("OIP client against a served ONNX model", { skip: existsSync(MODEL) ? false : "models/digits/model.onnx is absent" }, () => {
  let p: Provider;
  let onnx: OnnxDenoiser;
  before(async () => {
    const { loadOnnxDenoiser, DIGITS_TENSOR_NAMES } = await import("../../tools/provider/onnx-model.ts");
    const { serveOnnx } = await import("../../tools/provider/onnx-served.ts");
    onnx = await loadOnnxDenoiser(MODEL);
    p = await startProvider({ models: [], served: [serveOnnx("digits", onnx, DIGITS_TENSOR_NAMES)] });
  });
  after(async () => {
    await p?.close();
    await onnx?.release();
  });

  test("metadata accepted; outputs bit-identical to onnxruntime's, split or not", async () => {
    const rows = 13;
    const x = Float32Array.from({ length: rows * 64 }, (_, i) => Math.sin(0.37 * i));
    const timesteps = Int32Array.from({ length: rows }, (_, r) => (r * 71) % 1000);
    const want = await onnx.evaluate(x, Array.from(timesteps), rows);
    for (const max of [256, 4]) {
      const d = oipDenoiser(parseOipConfig({
        base_url: p.url, model_name: "digits", inputs: { sample: "sample", timestep: "timestep" }, output: "epsilon",
        sample_shape: [1, 8, 8], max_rows_per_call: max,
      }));
      assert.equal((await d.ready()).timestepRank, onnx.timestepRank);
      assert.deepEqual(await evaluateRows(d, { rows, x, timesteps, alphaBar: new Float64Array(rows) }), want);
    }
  });
});
