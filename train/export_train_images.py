"""Exports the 1797 training images as models/digits/train-images.npy for the Node side.

Benchmarks compare samples with the data (nearest-training-image distances) without reading
Debian's python3-sklearn from Node: this writes the exact pixel values the model trained on as
uint8 0..16, shape (1797, 64), row-major 8x8 (115,136 bytes with the .npy header). Node maps v -> v / 8 - 1, the
[-1, 1] scaling of digits_data.load_digits. Deterministic: same csv, same bytes.

Run from the repository root:
    /usr/bin/python3 train/export_train_images.py [--out models/digits/train-images.npy]
"""
import argparse
import gzip

import numpy as np

from digits_data import DIGITS_CSV, PIXEL_MAX, load_digits


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default="models/digits/train-images.npy")
    args = p.parse_args()
    with gzip.open(DIGITS_CSV, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    pixels = table[:, :64]
    # The csv holds integers 0..16: uint8 keeps them exactly.
    assert np.array_equal(pixels, np.round(pixels)) and pixels.min() >= 0 and pixels.max() <= PIXEL_MAX
    raw = pixels.astype(np.uint8)
    # Same numbers as the training loader, so the export cannot drift from what the model saw.
    assert np.array_equal((raw / PIXEL_MAX * 2.0 - 1.0).astype(np.float32), load_digits()[0])
    np.save(args.out, raw)
    print(f"wrote {args.out}: {raw.shape[0]} images of {raw.shape[1]} pixels, uint8 0..{int(raw.max())}")


if __name__ == "__main__":
    main()
