// The Triton model repository serves exactly the committed model, under the tensor names, types and
// shapes that the model itself declares: a stale copy or a renamed tensor fails here, not on a GPU.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadOnnxDenoiser } from "../../tools/provider/onnx-model.ts";

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const MODEL = root("models/digits/model.onnx");
const TRITON_DIR = "deploy/triton/digits";

interface TritonTensor {
  name: string;
  dataType: string;
  dims: number[];
  reshape?: number[];
}

// Just enough of the protobuf text format for the tensor blocks of config.pbtxt (no nested braces
// besides reshape, one tensor per { }), so the test needs no protobuf dependency.
function tensors(pbtxt: string, section: "input" | "output"): TritonTensor[] {
  const body = pbtxt.replace(/#.*$/gm, "").match(new RegExp(`\\b${section}\\s*\\[([\\s\\S]*?)\\n\\]`))?.[1] ?? "";
  return [...body.matchAll(/\{((?:[^{}]|\{[^{}]*\})*)\}/g)].map(([, block]) => {
    const dims = (key: string) => block.match(new RegExp(`${key}\\s*:\\s*\\[([^\\]]*)\\]`))?.[1];
    const list = (s: string) => s.split(",").map((v) => v.trim()).filter(Boolean).map(Number);
    const reshape = dims("shape");
    return {
      name: block.match(/name\s*:\s*"([^"]+)"/)?.[1] ?? "",
      dataType: block.match(/data_type\s*:\s*(\w+)/)?.[1] ?? "",
      dims: list(dims("dims") ?? ""),
      ...(reshape === undefined ? {} : { reshape: list(reshape) }),
    };
  });
}

test("deploy/triton/digits/1/model.onnx is byte-identical to models/digits/model.onnx", () => {
  assert.ok(readFileSync(root(`${TRITON_DIR}/1/model.onnx`)).equals(readFileSync(MODEL)));
});

test("config.pbtxt declares the model's own tensor names, types and row shapes", async () => {
  const pbtxt = readFileSync(root(`${TRITON_DIR}/config.pbtxt`), "utf8");
  assert.match(pbtxt, /^name:\s*"digits"/m);
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
