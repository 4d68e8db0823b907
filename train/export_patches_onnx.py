"""Exports the trained patches-32 UNet (EMA weights) to ONNX, with its scheduler config, reference
outputs and the held-out evaluation patches.

Writes, into models/patches-32/ by default:
  model.onnx             inputs  sample   float32 [batch, 3, 32, 32]  noisy image x_t, channels-first, data range [-1, 1]
                                 timestep int64   [batch]             training timestep t in 0..999
                         output  epsilon  float32 [batch, 3, 32, 32]  predicted noise
                         opset 17, float32 weights (about 11.7 MB), batch a dynamic axis.
  scheduler_config.json  diffusers DDPMScheduler config the model was trained with (ddpm.SCHEDULER_CONFIG).
  reference.json         8 seeded inputs and the PyTorch outputs for them, in the format of
                         models/digits/reference.json (row_shape, timestep, sample, epsilon).
  heldout-patches.npy    the 512 held-out patches the evaluation loss uses, uint8 [512, 3, 32, 32]
                         (0..255; model data = x / 127.5 - 1), 1.5 MB.
It also checks, in PyTorch, that a row's output does not depend on its batch neighbours.
onnxruntime (not installed for Python here) is checked from Node with onnxruntime-node through
tools/provider/onnx-model.ts, as test/learned/onnx.test.ts does for digits.

Run from the repository root after train_patches.py:
    /usr/bin/python3 train/export_patches_onnx.py [--checkpoint /tmp/patches-train/patches.pt] [--out-dir models/patches-32]
(--checkpoint /tmp/patches-train/state.pt exports the EMA weights of the last periodic training state.)
"""
import argparse
import json
import os

import numpy as np
import onnx
import torch

import ddpm
from patches_data import heldout_patches, to_model
from patches_model import build_model, parameter_count
from train_patches import DEFAULT_CHECKPOINT, add_noise, heldout_subset

OPSET = 17
IMAGE_SHAPE = (3, 32, 32)
REFERENCE_TIMESTEPS = [0, 1, 10, 100, 250, 500, 750, 999]
REFERENCE_SEED = 2024


def load_model(path: str) -> tuple[torch.nn.Module, dict]:
    """The final checkpoint (patches.pt), or a periodic training state (state.pt: its EMA weights)."""
    ckpt = torch.load(path, map_location="cpu")
    model = build_model(ckpt["arch"])
    if "state_dict" in ckpt:
        model.load_state_dict(ckpt["state_dict"])
        return model.eval(), ckpt["summary"]
    model.load_state_dict(ckpt["ema"])
    summary = {"from_training_state": path, "steps": ckpt["step"], "train_seconds": round(ckpt["elapsed"], 1),
               "final_train_loss_smoothed": ckpt["running"]}
    return model.eval(), summary


def reference_inputs() -> tuple[torch.Tensor, torch.Tensor]:
    """Noised held-out patches x_t [8, 3, 32, 32] at REFERENCE_TIMESTEPS (every 64th evaluation patch)."""
    g = torch.Generator().manual_seed(REFERENCE_SEED)
    x0 = torch.from_numpy(to_model(heldout_subset(heldout_patches())[::64][: len(REFERENCE_TIMESTEPS)]))
    t = torch.tensor(REFERENCE_TIMESTEPS, dtype=torch.int64)
    eps = torch.randn(x0.shape, generator=g)
    return add_noise(x0, eps, t, ddpm.alphas_cumprod()), t


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
    out_dims = m.graph.output[0].type.tensor_type.shape.dim
    out_dims[0].dim_param = "batch"
    for dim, size in zip(out_dims[1:], IMAGE_SHAPE):
        dim.dim_value = size
    m.doc_string = "DDPM epsilon-prediction UNet for 32x32 RGB patches (models/patches-32/MODEL_CARD.md)"
    meta = {"prediction_type": "epsilon", "scheduler": "scheduler_config.json", "data_range": "[-1, 1]"}
    for k, v in meta.items():
        m.metadata_props.add(key=k, value=v)
    onnx.checker.check_model(m)
    onnx.save(m, path)


def write_reference(model: torch.nn.Module, path: str) -> float:
    sample, timestep = reference_inputs()
    with torch.no_grad():
        eps = model(sample, timestep)
        # Row independence: each row alone, and the 8 rows inside a batch of 24 (mixed filler rows).
        alone = torch.cat([model(sample[i : i + 1], timestep[i : i + 1]) for i in range(sample.shape[0])])
        g = torch.Generator().manual_seed(7)
        fill = torch.randn((16,) + IMAGE_SHAPE, generator=g)
        big = model(torch.cat([fill[:8], sample, fill[8:]]), torch.cat([timestep.flip(0), timestep, timestep]))[8:16]
    row_diff = max((alone - eps).abs().max().item(), (big - eps).abs().max().item())
    ref = {
        "note": "PyTorch (CPU, float32) outputs of the exported weights on seeded inputs; see train/export_patches_onnx.py",
        "row_shape": list(IMAGE_SHAPE),
        "timestep": timestep.tolist(),
        "sample": [float(v) for v in sample.flatten()],
        "epsilon": [float(v) for v in eps.flatten()],
    }
    with open(path, "w") as f:
        json.dump(ref, f)
        f.write("\n")
    return row_diff


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    p.add_argument("--out-dir", default=os.path.join("models", "patches-32"))
    args = p.parse_args()
    torch.set_num_threads(2)
    model, summary = load_model(args.checkpoint)
    os.makedirs(args.out_dir, exist_ok=True)
    onnx_path = os.path.join(args.out_dir, "model.onnx")
    export(model, onnx_path)
    row_diff = write_reference(model, os.path.join(args.out_dir, "reference.json"))
    with open(os.path.join(args.out_dir, "scheduler_config.json"), "w") as f:
        json.dump(ddpm.SCHEDULER_CONFIG, f, indent=2)
        f.write("\n")
    np.save(os.path.join(args.out_dir, "heldout-patches.npy"), heldout_subset(heldout_patches()))
    print(json.dumps({**summary, "parameters_check": parameter_count(model), "onnx_bytes": os.path.getsize(onnx_path),
                      "pytorch_row_independence_max_abs_diff": row_diff}, indent=2))


if __name__ == "__main__":
    main()
