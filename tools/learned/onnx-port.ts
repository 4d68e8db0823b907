// The denoiser port over an ONNX model in the same process (onnxruntime-node): the sampler sees the
// learned model with no HTTP in between, so benchmarks of rounds and acceptance run at CPU speed.
// The reference provider serves the same OnnxDenoiser over OIP v2; outputs are the same float32 values.
import type { Denoiser } from "../../src/denoisers/port.ts";
import type { OnnxDenoiser } from "../provider/onnx-model.ts";

/** An epsilon-predicting Denoiser over `onnx`; one session run per round, all rows at once. */
export const onnxPort = (onnx: OnnxDenoiser): Denoiser => ({
  dim: onnx.dim,
  predictionType: "epsilon",
  evaluate: function evaluateInProcess(batch) {
    return onnx.evaluate(batch.x, batch.timesteps, batch.rows);
  },
});
