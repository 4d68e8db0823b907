"""Writes a grid of 8x8 digits as a grayscale PNG (or any grey or RGB image) with only numpy and zlib (no imaging library).

Only for eyeballing samples: pixels in [-1, 1] map to black..white, each digit is upscaled
by nearest neighbour and separated by a mid-grey border so the grid reads at a glance.
"""
import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def write_png(path: str, pixels: np.ndarray) -> None:
    """pixels: [H, W] (grayscale) or [H, W, 3] (truecolour) uint8. 8-bit, no interlace, filter 0 on every row."""
    h, w = pixels.shape[:2]
    colour_type = 2 if pixels.ndim == 3 else 0
    raw = b"".join(b"\x00" + pixels[r].tobytes() for r in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw, 9)) + _chunk(b"IEND", b""))


def digits_grid(images: np.ndarray, cols: int = 8, scale: int = 6, border: int = 2) -> np.ndarray:
    """images [n, 64] in [-1, 1] -> one uint8 grid image, `cols` digits per row."""
    n = images.shape[0]
    rows = -(-n // cols)
    cell = 8 * scale + border
    grid = np.full((rows * cell + border, cols * cell + border), 128, dtype=np.uint8)
    pix = np.clip((images.reshape(n, 8, 8) + 1.0) * 127.5, 0, 255).round().astype(np.uint8)
    for k in range(n):
        r, c = divmod(k, cols)
        big = np.kron(pix[k], np.ones((scale, scale), dtype=np.uint8))
        y, x = border + r * cell, border + c * cell
        grid[y : y + 8 * scale, x : x + 8 * scale] = big
    return grid
