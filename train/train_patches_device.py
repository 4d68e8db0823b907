"""Trains patches-32 on a GPU machine that has torch and numpy but not skimage: the patches are cut
here (`train/patches_data.py`) into .cache/patches/ and carried there; this wrapper feeds them to
train_patches.train() in place of patches_data's loaders, on CUDA with TF32 (cudnn.benchmark on).
Used by bench/gpu/device_run.sh, which also times the cost curves in the same session.

The training set is the same 19,752 patches as patches_data.train_patches() (the 9,876 windows and
their horizontal mirrors), but in a different order: here all windows, then all mirrors; there each
(image, scale) block is followed by its own mirrors. Batches are drawn by index with a seeded
generator, so a CPU run of train_patches.py with the same seed draws different batches (and a
different 512-patch training subset for the evaluation loss); the held-out set is identical.

1. Cut the patches, on a machine with Debian's python3-skimage and python3-sklearn, from the
   repository root (about 10 s; deterministic, .cache/patches/ is git-ignored):

    PYTHONPATH=train /usr/bin/python3 -c "import os, numpy as np, patches_data as d; os.makedirs('.cache/patches', exist_ok=True); np.save('.cache/patches/train-unmirrored.npy', d.train_patches(flips=False)); np.save('.cache/patches/heldout.npy', d.heldout_patches())"

   -> train-unmirrored.npy uint8 [9876, 3, 32, 32], heldout.npy uint8 [1420, 3, 32, 32].

2. On the CUDA machine, from the repository root with .cache/patches/ carried along:

    OUT=/tmp/device-out bash bench/gpu/device_run.sh

   which runs (besides the cost curves):

    python3 train/train_patches_device.py --device cuda --minutes 5.3 --batch 128 --threads 8 --eval-passes 2 \
      --log-every 1000 --checkpoint-minutes 100 --state /tmp/patches-state.pt --checkpoint $OUT/patches-ema.pt

   Arguments are train_patches.py's; the EMA weights land in $OUT/patches-ema.pt, which
   train/export_patches_onnx.py --checkpoint and train/sample_patches_grid.py --checkpoint read.
"""
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
CACHE = os.path.join(HERE, "..", ".cache", "patches")


def mirrored(p: np.ndarray) -> np.ndarray:
    """All windows, then the horizontal mirror of each in the same order: the same set of patches as
    patches_data.train_patches() builds, not in its order (see the module docstring)."""
    return np.concatenate([p, np.ascontiguousarray(p[:, :, :, ::-1])])


def main(argv=None) -> None:
    import patches_data
    import train_patches

    train = np.load(os.path.join(CACHE, "train-unmirrored.npy"))
    held = np.load(os.path.join(CACHE, "heldout.npy"))
    patches_data.train_patches = lambda *a, **k: mirrored(train)
    patches_data.heldout_patches = lambda *a, **k: held
    train_patches.train_patches = patches_data.train_patches
    train_patches.heldout_patches = patches_data.heldout_patches
    if torch.cuda.is_available():
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    args = train_patches.parse_args(argv)
    print(train_patches.train(args), flush=True)


if __name__ == "__main__":
    main()
