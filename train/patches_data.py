"""32x32 RGB patches of the natural photographs and textures that Debian's python3-skimage and
python3-sklearn ship, for the patches-32 denoiser (models/patches-32/MODEL_CARD.md).

Images (all read with skimage.io, uint8):
  colour photographs  astronaut.png 512x512, coffee.png 400x600, rocket.jpg 427x640,
                      motorcycle_left.png 500x741 (skimage/data/); china.jpg 427x640,
                      flower.jpg 427x640 (sklearn/datasets/images/); chelsea.png 300x451
  greyscale textures  brick.png, grass.png, gravel.png 512x512: replicated to 3 equal channels
                      (grey RGB), so that textures are part of the distribution
Held out whole for evaluation: chelsea.png (photo) and gravel.png (texture) -- HELDOUT below.
Not used: synthetic or non-photographic images (logo, phantom, chessboards, text, palettes,
color.png), microscopy/astronomy/medical images (ihc, cell, hubble_deep_field, retina, moon, ...),
motorcycle_right.png (near-duplicate of motorcycle_left), greyscale photos (camera, coins, ...).

Cutting rule (training): every image at two scales, 1 (as shipped) and 0.5 (skimage.transform.rescale,
anti-aliased, so a patch holds more structure); at each scale every 32x32 window whose top-left
corner lies on a grid of stride STRIDE = 16 pixels (windows fully inside the image), plus the
horizontal mirror of each window. Held-out images: scale 1 only, stride 16, no mirrors.
Pixels: uint8 0..255 kept as uint8 in memory; to_model() maps them to float32 x/127.5 - 1 in [-1, 1].
Everything is deterministic (no randomness in the cutting); the training script draws batches
with a seeded torch.Generator.
"""
import os

import numpy as np

SKIMAGE_DIR = "/usr/lib/python3/dist-packages/skimage/data"
SKLEARN_DIR = "/usr/lib/python3/dist-packages/sklearn/datasets/images"

TRAIN_IMAGES = [
    os.path.join(SKIMAGE_DIR, "astronaut.png"),
    os.path.join(SKIMAGE_DIR, "coffee.png"),
    os.path.join(SKIMAGE_DIR, "rocket.jpg"),
    os.path.join(SKIMAGE_DIR, "motorcycle_left.png"),
    os.path.join(SKLEARN_DIR, "china.jpg"),
    os.path.join(SKLEARN_DIR, "flower.jpg"),
    os.path.join(SKIMAGE_DIR, "brick.png"),
    os.path.join(SKIMAGE_DIR, "grass.png"),
]
HELDOUT = [
    os.path.join(SKIMAGE_DIR, "chelsea.png"),
    os.path.join(SKIMAGE_DIR, "gravel.png"),
]

PATCH = 32
STRIDE = 16
SCALES = (1.0, 0.5)


def load_rgb(path: str) -> np.ndarray:
    """[H, W, 3] uint8; greyscale images are replicated to three channels, alpha is dropped."""
    import skimage.io

    img = skimage.io.imread(path)
    if img.ndim == 2:
        img = np.repeat(img[:, :, None], 3, axis=2)
    return np.ascontiguousarray(img[:, :, :3]).astype(np.uint8)


def rescale(img: np.ndarray, scale: float) -> np.ndarray:
    if scale == 1.0:
        return img
    import skimage.transform

    out = skimage.transform.rescale(img, scale, channel_axis=2, anti_aliasing=True, order=1)
    return np.clip(np.round(out * 255.0), 0, 255).astype(np.uint8)


def cut(img: np.ndarray, stride: int = STRIDE, patch: int = PATCH) -> np.ndarray:
    """Every patch x patch window on a `stride` grid, fully inside; [n, 3, patch, patch] uint8 (CHW)."""
    h, w, _ = img.shape
    out = [
        img[y : y + patch, x : x + patch].transpose(2, 0, 1)
        for y in range(0, h - patch + 1, stride)
        for x in range(0, w - patch + 1, stride)
    ]
    return np.stack(out).astype(np.uint8)


def train_patches(scales=SCALES, stride: int = STRIDE, flips: bool = True) -> np.ndarray:
    """[n, 3, 32, 32] uint8, in a fixed order (image, scale, window, then the mirrored copies)."""
    parts = []
    for path in TRAIN_IMAGES:
        img = load_rgb(path)
        for s in scales:
            p = cut(rescale(img, s), stride)
            parts.append(p)
            if flips:
                parts.append(np.ascontiguousarray(p[:, :, :, ::-1]))
    return np.concatenate(parts)


def heldout_patches(stride: int = STRIDE) -> np.ndarray:
    """[n, 3, 32, 32] uint8 from the held-out images, scale 1, no mirrors."""
    return np.concatenate([cut(load_rgb(p), stride) for p in HELDOUT])


def to_model(x: np.ndarray) -> np.ndarray:
    """uint8 0..255 -> float32 in [-1, 1]."""
    return x.astype(np.float32) / 127.5 - 1.0


def summary() -> dict:
    rows = {}
    for path in TRAIN_IMAGES + HELDOUT:
        img = load_rgb(path)
        held = path in HELDOUT
        n = {f"scale{s}": cut(rescale(img, s), STRIDE).shape[0] for s in ((1.0,) if held else SCALES)}
        rows[os.path.basename(path)] = {"shape": list(img.shape), "heldout": held, "windows": n}
    return rows


if __name__ == "__main__":
    import json

    print(json.dumps(summary(), indent=1))
    tr, ho = train_patches(), heldout_patches()
    print("train patches (with mirrors)", tr.shape, "held-out patches", ho.shape)
