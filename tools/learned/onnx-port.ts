// The denoiser port over an ONNX model in the same process (onnxruntime-node): the sampler sees the
// learned model with no HTTP in between, so benchmarks of rounds and acceptance run at CPU speed.
// The reference provider serves the same OnnxDenoiser over OIP v2; outputs are the same float32 values.
// The model predicts epsilon; the prediction type lives in the model's config, not on the port.
import type { Denoiser } from "../../src/denoisers/port.ts";
import type { OnnxDenoiser } from "../provider/onnx-model.ts";

/** A Denoiser over `onnx`; one session run per round, all rows at once. */
export const onnxPort = (onnx: OnnxDenoiser): Denoiser => ({
  dim: onnx.dim,
  evaluate: async function evaluateInProcess(batch) {
    const { rows } = batch, dim = onnx.dim;
    // Gather the rows before any await: state(r) views memory that may move afterwards.
    const x = new Float32Array(rows * dim);
    for (let r = 0; r < rows; r++) {
      const row = batch.state(r).subarray(0, dim), scale = batch.inputScale[r];
      x.set(scale === 1 ? row : row.map((v) => v * scale), r * dim);
    }
    const out = await onnx.evaluate(x, Array.from(batch.timesteps, Math.round), rows);
    for (let r = 0; r < rows; r++) batch.put(r, out.subarray(r * dim, (r + 1) * dim));
  },
});
