"""Sanity check: 64 patches from the patches-32 model with the plain sequential DDPM (ancestral)
sampler in PyTorch, as an 8x8 RGB PNG grid (docs/patches.png), beside a row of real patches.

The top 8x8 block are samples (DDPM, --steps leading-spaced steps, clip_sample as the scheduler
config says); below it, after a gap, one row of 8 held-out patches and one row of 8 training patches
for comparison. Also prints, for each sample, the distance to its nearest training patch, next to
the same distance for held-out patches, so that copies of training patches would show.

Run from the repository root after train_patches.py:
    /usr/bin/python3 train/sample_patches_grid.py [--steps 100] [--seed 0] [--out docs/patches.png]
"""
import argparse
import os

import numpy as np
import torch

import ddpm
from export_patches_onnx import load_model
from png_grid import write_png
from patches_data import heldout_patches, to_model, train_patches
from train_patches import DEFAULT_CHECKPOINT, heldout_subset


def rgb_grid(images: np.ndarray, cols: int = 8, scale: int = 3, border: int = 2) -> np.ndarray:
    """images [n, 3, 32, 32] in [-1, 1] -> [H, W, 3] uint8, `cols` patches per row, grey borders."""
    n = images.shape[0]
    rows = -(-n // cols)
    cell = 32 * scale + border
    grid = np.full((rows * cell + border, cols * cell + border, 3), 128, dtype=np.uint8)
    pix = np.clip((images + 1.0) * 127.5, 0, 255).round().astype(np.uint8).transpose(0, 2, 3, 1)
    for k in range(n):
        r, c = divmod(k, cols)
        big = pix[k].repeat(scale, axis=0).repeat(scale, axis=1)
        y, x = border + r * cell, border + c * cell
        grid[y : y + 32 * scale, x : x + 32 * scale] = big
    return grid


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    p.add_argument("--steps", type=int, default=100, help="sampler steps N (leading spacing)")
    p.add_argument("--n", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=os.path.join("docs", "patches.png"))
    args = p.parse_args()
    torch.set_num_threads(2)
    model, _ = load_model(args.checkpoint)
    x = ddpm.sample(model, args.n, args.steps, torch.Generator().manual_seed(args.seed), row_shape=(3, 32, 32)).numpy()
    held = to_model(heldout_subset(heldout_patches()))
    train = train_patches()
    real = np.concatenate([held[::64][:8], to_model(train[:: train.shape[0] // 8][:8])])
    top, bottom = rgb_grid(x), rgb_grid(real)
    rule = np.full((4, top.shape[1], 3), 255, dtype=np.uint8)  # a white rule between samples and data
    grid = np.concatenate([top, rule, bottom]) if top.shape[1] == bottom.shape[1] else top
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    write_png(args.out, grid)
    data = torch.from_numpy(to_model(train).reshape(train.shape[0], -1))
    xs = torch.from_numpy(x.reshape(x.shape[0], -1))
    nearest = torch.cdist(xs, data).min(dim=1).values
    held_near = torch.cdist(torch.from_numpy(held.reshape(held.shape[0], -1)), data).min(dim=1).values
    rms = lambda d: d / np.sqrt(xs.shape[1])  # per-pixel RMS units
    print(f"wrote {args.out}  ({args.n} samples, {args.steps} DDPM steps, seed {args.seed})")
    print(f"nearest-training-patch distance (per-pixel RMS, data in [-1, 1]): samples median {rms(nearest.median()):.4f} "
          f"min {rms(nearest.min()):.4f}; held-out patches median {rms(held_near.median()):.4f}")
    print(f"sample pixel mean {x.mean():+.3f} std {x.std():.3f}; held-out mean {held.mean():+.3f} std {held.std():.3f}")


if __name__ == "__main__":
    main()
