// The committed digits model under onnxruntime-node: the same numbers PyTorch gave at export,
// row-wise independent of the batch, and the declared tensor shapes and types. Runs in about a second.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { loadOnnxDenoiser, type OnnxDenoiser } from "../../tools/provider/onnx-model.ts";
import { filler, loadReference, maxAbsDiff } from "./onnx-reference.ts";

const { modelPath: MODEL_PATH, ref, rows: ROWS, dim: DIM } = loadReference("digits");

// PyTorch (at export) and onnxruntime run the same float32 graph with different GEMM kernels and
// summation orders: a few float32 ulps per layer on outputs of magnitude up to ~4 (measured 3.0e-6).
// 1e-4 leaves a 40x margin and is still far below any real defect (a wrong weight, layout or time
// embedding moves outputs by 1e-2 or more).
const TORCH_TOLERANCE = 1e-4;
// Within one runtime a row's arithmetic does not depend on its neighbours (measured: bit-identical);
// 1e-5 allows a CPU whose GEMM picks a different kernel for one row than for many (a 192-term
// float32 dot product reordered moves by at most ~192 * 6e-8).
const ROW_TOLERANCE = 1e-5;

describe("digits ONNX model", () => {
  let model: OnnxDenoiser;
  const x = Float32Array.from(ref.sample);
  before(async () => void (model = await loadOnnxDenoiser(MODEL_PATH)));
  after(() => model.release());

  test("declares sample float32 [batch, 1, 8, 8], timestep int64 [batch], epsilon float32 [batch, 1, 8, 8]", () => {
    assert.equal(model.dim, 64);
    assert.deepEqual(model.sampleShape, [1, 8, 8]);
    assert.deepEqual(ref.row_shape, [1, 8, 8]);
    assert.equal(model.timestepType, "int64");
    assert.equal(model.timestepRank, 1);
  });

  test(`matches the PyTorch outputs recorded at export within ${TORCH_TOLERANCE}`, async () => {
    const out = await model.evaluate(x, ref.timestep, ROWS);
    assert.ok(out instanceof Float32Array);
    assert.equal(out.length, ROWS * DIM);
    assert.ok(out.every(Number.isFinite));
    const d = maxAbsDiff(out, ref.epsilon);
    assert.ok(d <= TORCH_TOLERANCE, `max |onnx - torch| = ${d}`);
  });

  test(`a row alone, in the reference batch and inside 300 other rows agree within ${ROW_TOLERANCE}`, async () => {
    const batch = await model.evaluate(x, Int32Array.from(ref.timestep), ROWS);
    const big = filler(300, DIM);
    const at = (i: number) => 17 + 37 * i; // spread over the big batch, never adjacent
    for (let i = 0; i < ROWS; i++) {
      big.x.set(x.subarray(i * DIM, (i + 1) * DIM), at(i) * DIM);
      big.t[at(i)] = ref.timestep[i];
    }
    const inBig = await model.evaluate(big.x, big.t, 300);
    for (let i = 0; i < ROWS; i++) {
      const row = batch.subarray(i * DIM, (i + 1) * DIM);
      const alone = await model.evaluate(x.subarray(i * DIM, (i + 1) * DIM), [ref.timestep[i]], 1);
      assert.ok(maxAbsDiff(alone, row) <= ROW_TOLERANCE, `row ${i} alone`);
      assert.ok(maxAbsDiff(inBig.subarray(at(i) * DIM, (at(i) + 1) * DIM), row) <= ROW_TOLERANCE, `row ${i} in 300`);
    }
  });

  test("zero rows give an empty output; short or non-integer inputs are refused", async () => {
    assert.equal((await model.evaluate(new Float32Array(0), [], 0)).length, 0);
    await assert.rejects(model.evaluate(x, ref.timestep, ROWS + 1), RangeError);
    await assert.rejects(model.evaluate(x, [1.5], 1), RangeError);
  });
});

test("loading with a tensor name the model lacks names what it has", async () => {
  await assert.rejects(
    loadOnnxDenoiser(MODEL_PATH, { inputName: "x", timestepName: "timestep", outputName: "epsilon" }),
    /no input named "x" \(it has "sample", "timestep"\)/,
  );
});
