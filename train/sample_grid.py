"""Sanity check: 64 digits from the plain sequential DDPM sampler in PyTorch, as a PNG grid.

A person looks at the grid; the digits must be recognisable. Also prints, for each sample,
the distance to its nearest training image, next to the typical nearest-neighbour distance
inside the training set, so that copies of training images would show.

Run from the repository root after train_digits.py:
    /usr/bin/python3 train/sample_grid.py [--steps 1000] [--seed 0] [--out .cache/digits/samples-pytorch.png]
"""
import argparse
import os

import torch

import ddpm
from checkpoint import load_model
from digits_data import load_digits
from png_grid import digits_grid, write_png
from train_digits import DEFAULT_CHECKPOINT


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    p.add_argument("--steps", type=int, default=1000, help="sampler steps N (leading spacing)")
    p.add_argument("--n", type=int, default=64)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=os.path.join(".cache", "digits", "samples-pytorch.png"))
    args = p.parse_args()
    torch.set_num_threads(2)
    model, _ = load_model(args.checkpoint)
    x = ddpm.sample(model, args.n, args.steps, torch.Generator().manual_seed(args.seed))
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    write_png(args.out, digits_grid(x.numpy()))
    data = torch.from_numpy(load_digits()[0])
    nearest = torch.cdist(x, data).min(dim=1).values
    within = torch.cdist(data, data).fill_diagonal_(float("inf")).min(dim=1).values
    print(f"wrote {args.out}")
    print(f"nearest-training-image distance: samples median {nearest.median():.3f} min {nearest.min():.3f}; "
          f"training set to itself median {within.median():.3f}")


if __name__ == "__main__":
    main()
