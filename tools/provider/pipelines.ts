// Named pipelines the reference provider can serve in one go (--pipeline NAME): each stage an ONNX
// file served generically (onnx-generic.ts) under a stable model name, the same names as the Triton
// model repository's directories in deploy/triton/ (so a Worker entry works against either).
import { fileURLToPath } from "node:url";

export interface PipelineStage {
  /** OIP model name the stage is served as. */
  readonly model: string;
  /** ONNX file, relative to the repository root. */
  readonly path: string;
}

export const PIPELINES: Readonly<Record<string, readonly PipelineStage[]>> = {
  "digits-cond": [
    { model: "digits-cond-encoder", path: "models/digits-cond/encoder.onnx" },
    { model: "digits-cond-denoiser", path: "models/digits-cond/denoiser.onnx" },
    { model: "digits-cond-denoiser-labels", path: "models/digits-cond/denoiser-labels.onnx" },
    { model: "digits-cond-decoder", path: "models/digits-cond/decoder.onnx" },
  ],
};

/** Absolute path of a stage's file (independent of the working directory). */
export const stagePath = (stage: PipelineStage): string => fileURLToPath(new URL(`../../${stage.path}`, import.meta.url));
