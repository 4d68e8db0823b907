// The Triton model repository entries of the conditional digits pipeline serve exactly the committed
// files, under the tensor names, types and shapes that the files themselves declare; the KServe example
// and the provider's --pipeline names agree with the repository. A stale copy or a renamed tensor fails
// here, not on a GPU.
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { loadOnnxModel } from "../../tools/provider/onnx-generic.ts";
import { PIPELINES } from "../../tools/provider/pipelines.ts";
import { type TritonTensor, tensors } from "./triton-config.ts";

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const STAGES = PIPELINES["digits-cond"];
const present = STAGES.every((s) => existsSync(root(s.path)));

const TRITON_TYPE: Readonly<Record<string, string>> = { FP32: "TYPE_FP32", INT64: "TYPE_INT64", BYTES: "TYPE_STRING" };

test("every stage: 1/model.onnx is byte-identical to the committed file", { skip: present ? false : "models/digits-cond is absent" }, () => {
  for (const s of STAGES) {
    assert.ok(readFileSync(root(`deploy/triton/${s.model}/1/model.onnx`)).equals(readFileSync(root(s.path))), `${s.model} is stale`);
  }
});

test("every stage: config.pbtxt declares the file's own tensor names, types and shapes", { skip: present ? false : "models/digits-cond is absent" }, async () => {
  for (const s of STAGES) {
    const pbtxt = readFileSync(root(`deploy/triton/${s.model}/config.pbtxt`), "utf8");
    assert.match(pbtxt, new RegExp(`^name:\\s*"${s.model}"`, "m"));
    assert.match(pbtxt, /^backend:\s*"onnxruntime"/m);
    const batch = Number(/^max_batch_size:\s*(\d+)/m.exec(pbtxt)?.[1]);
    assert.ok(Number.isInteger(batch), `${s.model}: max_batch_size`);
    const model = await loadOnnxModel(s.model, root(s.path));
    try {
      // With Triton's batch dimension (max_batch_size > 0) a row is the ONNX shape without its first dim, and an ONNX
      // [batch] tensor is [1] reshaped to a scalar row; without it (0) the ONNX shape itself, -1 for dynamic dims.
      const expected = (list: typeof model.inputs): TritonTensor[] =>
        list.map((t) => {
          const dims = t.dims.map((d) => (typeof d === "number" ? d : -1));
          const dataType = TRITON_TYPE[t.datatype];
          if (batch === 0) return { name: t.name, dataType, dims };
          assert.equal(typeof t.dims[0], "string", `${s.model}: ${t.name} needs a dynamic first dim`);
          return dims.length === 1 ? { name: t.name, dataType, dims: [1], reshape: [] } : { name: t.name, dataType, dims: dims.slice(1) };
        });
      assert.deepEqual(tensors(pbtxt, "input"), expected(model.inputs), `${s.model} inputs`);
      assert.deepEqual(tensors(pbtxt, "output"), expected(model.outputs), `${s.model} outputs`);
    } finally {
      await model.release();
    }
  }
});

test("the KServe example serves the repository holding the four stages; the README lists them", () => {
  const yaml = readFileSync(root("deploy/kserve/digits-cond-inferenceservice.yaml"), "utf8");
  assert.match(yaml, /^kind: InferenceService$/m);
  assert.match(yaml, /protocolVersion: v2/);
  assert.match(yaml, /storageUri: \S+/);
  const readme = readFileSync(root("deploy/README.md"), "utf8");
  for (const s of STAGES) {
    assert.ok(yaml.includes(s.model), `the KServe example does not mention ${s.model}`);
    assert.ok(readme.includes(`deploy/triton/${s.model}/`), `deploy/README.md does not list ${s.model}`);
  }
});
