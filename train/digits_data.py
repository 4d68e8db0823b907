"""The training data: scikit-learn's 8x8 handwritten digits, scaled to [-1, 1].

The file ships inside Debian's python3-sklearn (sklearn/datasets/data/digits.csv.gz):
1797 rows, 64 pixel columns with integer values 0..16 (row-major 8x8), then the label.
Reading the CSV directly (not sklearn.datasets.load_digits) keeps the dependency to the
file itself and makes the exact bytes we train on obvious.
"""
import gzip
import os

import numpy as np
import sklearn

DIGITS_CSV = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "data", "digits.csv.gz")
PIXEL_MAX = 16.0


def load_digits(path: str = DIGITS_CSV) -> tuple[np.ndarray, np.ndarray]:
    """Returns (images [1797, 64] float32 in [-1, 1], labels [1797] int64)."""
    with gzip.open(path, "rt") as f:
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    pixels, labels = table[:, :64], table[:, 64].astype(np.int64)
    # 0..16 -> -1..1, the range clip_sample assumes.
    images = (pixels / PIXEL_MAX * 2.0 - 1.0).astype(np.float32)
    return images, labels
