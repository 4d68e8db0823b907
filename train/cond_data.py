"""Data of the conditional digits pipeline: sklearn's 8x8 digits with labels and a fixed held-out split.

Same file and scaling as digits_data.py (pixels 0..16 -> [-1, 1]). The split is seeded and stored
(models/digits-cond/split.json) so the held-out evaluation is reproducible from the repository alone:
20% of the 1797 images, drawn per class (stratified) with numpy's default_rng(SPLIT_SEED).
"""
import json
import os

import numpy as np

from digits_data import load_digits

SPLIT_SEED = 20240612
HELDOUT_FRACTION = 0.2
NULL_CLASS = 10
NUM_CLASSES = 11  # digits 0..9 and the null class 10 (classifier-free guidance's unconditional input)
SPLIT_PATH = os.path.join("models", "digits-cond", "split.json")


def make_split(labels: np.ndarray, seed: int = SPLIT_SEED, fraction: float = HELDOUT_FRACTION) -> tuple[np.ndarray, np.ndarray]:
    """(train indices, held-out indices), both sorted; round(fraction * n_k) of each class held out."""
    rng = np.random.default_rng(seed)
    held = []
    for k in range(10):
        idx = np.flatnonzero(labels == k)
        held.extend(rng.permutation(idx)[: int(round(fraction * idx.size))].tolist())
    held = np.array(sorted(held), dtype=np.int64)
    train = np.setdiff1d(np.arange(labels.size), held)
    return train, held


def write_split(path: str = SPLIT_PATH) -> dict:
    _, labels = load_digits()
    train, held = make_split(labels)
    split = {
        "note": "indices into sklearn's digits.csv.gz rows (train/cond_data.py, stratified, numpy default_rng seed below)",
        "seed": SPLIT_SEED,
        "heldout_fraction": HELDOUT_FRACTION,
        "train": train.tolist(),
        "heldout": held.tolist(),
    }
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(split, f)
        f.write("\n")
    return split


def load_split(path: str = SPLIT_PATH) -> tuple[np.ndarray, np.ndarray]:
    """The stored split; it must equal the one make_split computes (the data and seed are fixed)."""
    with open(path) as f:
        s = json.load(f)
    return np.array(s["train"], dtype=np.int64), np.array(s["heldout"], dtype=np.int64)


def load_cond_digits() -> dict:
    """images [-1, 1] float32 [1797, 64], labels [1797], and the train / held-out index arrays."""
    images, labels = load_digits()
    train, held = make_split(labels)
    if os.path.exists(SPLIT_PATH):
        t2, h2 = load_split()
        assert np.array_equal(t2, train) and np.array_equal(h2, held), f"{SPLIT_PATH} disagrees with make_split"
    return {"images": images, "labels": labels, "train": train, "heldout": held}
