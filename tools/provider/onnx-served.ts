// Serves a learned ONNX denoiser (onnx-model.ts, onnxruntime-node on CPU) through the reference
// provider, with the tensor names, dtypes and shapes the model itself declares. FP32 on the wire:
// the exports are float32.
import type { TimestepDtype } from "../../src/denoisers/oip/config.ts";
import type { OnnxDenoiser, OnnxTensorNames, OnnxTimestepType } from "./onnx-model.ts";
import type { ServedModel } from "./models.ts";

const DTYPES: Readonly<Record<OnnxTimestepType, TimestepDtype>> = { int64: "INT64", int32: "INT32", float32: "FP32", float64: "FP64" };

/** `onnx` served as `name`; integer timesteps in [0, numTrainTimesteps). */
export function serveOnnx(name: string, onnx: OnnxDenoiser, tensorNames: OnnxTensorNames, numTrainTimesteps = 1000): ServedModel {
  const names = { sample: tensorNames.inputName, timestep: tensorNames.timestepName, output: tensorNames.outputName };
  const timestepDtype = DTYPES[onnx.timestepType];
  return {
    name,
    names,
    dtype: "FP32",
    timestepDtype,
    shape: onnx.sampleShape,
    dim: onnx.dim,
    numTrainTimesteps,
    metadata: {
      name,
      versions: ["1"],
      platform: "onnxruntime_onnx",
      inputs: [
        { name: names.sample, datatype: "FP32", shape: [-1, ...onnx.sampleShape] },
        { name: names.timestep, datatype: timestepDtype, shape: onnx.timestepRank === 2 ? [-1, 1] : [-1] },
      ],
      outputs: [{ name: names.output, datatype: "FP32", shape: [-1, ...onnx.sampleShape] }],
    },
    evaluate: function evaluateOnnx(x, timesteps) {
      const rows = timesteps.length;
      return onnx.evaluate(x, Array.from(timesteps), rows);
    },
  };
}
