// The Triton model repository serves exactly the committed model, under the tensor names, types and
// shapes that the model itself declares: a stale copy or a renamed tensor fails here, not on a GPU.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadOnnxDenoiser } from "../../tools/provider/onnx-model.ts";
import { tensors } from "./triton-config.ts";

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
// The row models (sample, timestep -> epsilon) with a Triton repository entry.
const ROW_MODELS = [
  { name: "digits", model: root("models/digits/model.onnx"), dir: "deploy/triton/digits" },
  { name: "patches-32", model: root("models/patches-32/model.onnx"), dir: "deploy/triton/patches-32" },
];

for (const { name, model: MODEL, dir: TRITON_DIR } of ROW_MODELS) {
  test(`${TRITON_DIR}/1/model.onnx is byte-identical to the committed model`, () => {
    assert.ok(readFileSync(root(`${TRITON_DIR}/1/model.onnx`)).equals(readFileSync(MODEL)));
  });

  test(`${TRITON_DIR}/config.pbtxt declares the model's own tensor names, types and row shapes`, async () => {
    const pbtxt = readFileSync(root(`${TRITON_DIR}/config.pbtxt`), "utf8");
    assert.match(pbtxt, new RegExp(`^name:\\s*"${name}"`, "m"));
    assert.match(pbtxt, /^backend:\s*"onnxruntime"/m);
    assert.match(pbtxt, /^max_batch_size:\s*[1-9]\d*/m);
    assert.match(pbtxt, /^dynamic_batching\s*\{/m);
    const model = await loadOnnxDenoiser(MODEL);
    try {
      const rows = [...model.sampleShape];
      assert.deepEqual(tensors(pbtxt, "input"), [
        { name: "sample", dataType: "TYPE_FP32", dims: rows },
        // int64 [batch] in the model: [1] per row on the wire, reshaped to a scalar row.
        { name: "timestep", dataType: `TYPE_${model.timestepType.toUpperCase()}`, dims: [1], reshape: [] },
      ]);
      assert.deepEqual(tensors(pbtxt, "output"), [{ name: "epsilon", dataType: "TYPE_FP32", dims: rows }]);
    } finally {
      await model.release();
    }
  });
}
