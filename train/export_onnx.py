"""Exports the trained denoiser to ONNX, with its scheduler config and reference outputs.

Writes, into models/digits/ by default:
  model.onnx             inputs  sample   float32 [batch, 1, 8, 8]  noisy image x_t, data range [-1, 1]
                                 timestep int64   [batch]           training timestep t in 0..999 (not a sigma, not scaled)
                         output  epsilon  float32 [batch, 1, 8, 8]  predicted noise
                         Channels-first images (diffusers' layout) rather than 64-vectors, so that a
                         server's metadata already says what a row is (the Worker renders [1, 8, 8] as
                         PNG); the same 64 values in row-major order either way. batch is a dynamic
                         axis; opset 17 (LayerNormalization is a native op there).
  scheduler_config.json  diffusers DDPMScheduler config the model was trained with.
  reference.json         fixed inputs (seeded) and the PyTorch outputs for them, which
                         test/learned/onnx.test.ts compares onnxruntime against.
and a byte-identical copy of model.onnx into the Triton model repository, deploy/triton/digits/1/
(a copy, not a symlink: the repository must survive being uploaded or mounted on its own).

Run from the repository root after train_digits.py:
    /usr/bin/python3 train/export_onnx.py [--checkpoint .cache/digits/digits.pt] [--out-dir models/digits]
                                          [--triton-dir deploy/triton/digits/1]
"""
import argparse
import json
import os
import shutil

import onnx
import torch

import ddpm
from checkpoint import load_model
from digits_data import load_digits
from digits_model import ImageLayout
from train_digits import DEFAULT_CHECKPOINT

OPSET = 17
IMAGE_SHAPE = (1, 8, 8)
# Timesteps of the reference rows: both ends of the schedule and points between.
REFERENCE_TIMESTEPS = [0, 1, 10, 100, 250, 500, 750, 999]
REFERENCE_SEED = 2024


def reference_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    """Noised training digits x_t [8, 1, 8, 8] at REFERENCE_TIMESTEPS (inputs like those sampling sends)."""
    g = torch.Generator().manual_seed(REFERENCE_SEED)
    x0 = torch.from_numpy(load_digits()[0][: len(REFERENCE_TIMESTEPS)])
    t = torch.tensor(REFERENCE_TIMESTEPS, dtype=torch.int64)
    eps = torch.randn(x0.shape, generator=g)
    return ddpm.add_noise(x0, eps, t, ddpm.alphas_cumprod()).reshape((-1,) + IMAGE_SHAPE), t


def export(model: torch.nn.Module, path: str) -> None:
    torch.onnx.export(
        model,
        reference_inputs(),
        path,
        input_names=["sample", "timestep"],
        output_names=["epsilon"],
        dynamic_axes={"sample": {0: "batch"}, "timestep": {0: "batch"}, "epsilon": {0: "batch"}},
        opset_version=OPSET,
        do_constant_folding=True,
    )
    m = onnx.load(path)
    # The exporter names the output's row dims symbolically (they come out of a Reshape); state them,
    # so that every reader of the file (Triton, netron, other runtimes) sees [batch, 1, 8, 8].
    for dim, size in zip(m.graph.output[0].type.tensor_type.shape.dim[1:], IMAGE_SHAPE):
        dim.dim_value = size
    m.doc_string = "DDPM epsilon-prediction denoiser for 8x8 digits (models/digits/MODEL_CARD.md)"
    meta = {"prediction_type": "epsilon", "scheduler": "scheduler_config.json", "data_range": "[-1, 1]"}
    for k, v in meta.items():
        m.metadata_props.add(key=k, value=v)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def write_reference(model: torch.nn.Module, path: str) -> None:
    sample, timestep = reference_inputs()
    with torch.no_grad():
        eps = model(sample, timestep)
    # float(float32) is exact in a double, and a JSON number parses back to that double.
    ref = {
        "note": "PyTorch (CPU, float32) outputs of the exported weights on seeded inputs; see train/export_onnx.py",
        "row_shape": list(IMAGE_SHAPE),
        "timestep": timestep.tolist(),
        "sample": [float(v) for v in sample.flatten()],
        "epsilon": [float(v) for v in eps.flatten()],
    }
    with open(path, "w") as f:
        json.dump(ref, f)
        f.write("\n")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    p.add_argument("--out-dir", default=os.path.join("models", "digits"))
    p.add_argument("--triton-dir", default=os.path.join("deploy", "triton", "digits", "1"), help="'' to skip")
    args = p.parse_args()
    torch.set_num_threads(2)
    mlp, summary = load_model(args.checkpoint)
    model = ImageLayout(mlp, IMAGE_SHAPE).eval()
    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, "model.onnx")
    export(model, onnx_path)
    write_reference(model, os.path.join(args.out_dir, "reference.json"))
    with open(os.path.join(args.out_dir, "scheduler_config.json"), "w") as f:
        json.dump(ddpm.SCHEDULER_CONFIG, f, indent=2)
        f.write("\n")
    if args.triton_dir:
        os.makedirs(args.triton_dir, exist_ok=True)
        shutil.copyfile(onnx_path, os.path.join(args.triton_dir, "model.onnx"))
    print(json.dumps({**summary, "onnx_bytes": os.path.getsize(onnx_path)}, indent=2))


if __name__ == "__main__":
    main()
