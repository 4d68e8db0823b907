"""Loads the checkpoint train_digits.py writes: the EMA weights and the architecture they fit."""
import torch

from digits_model import DigitsDenoiser


def load_model(path: str) -> tuple[DigitsDenoiser, dict]:
    """Returns (model in eval mode, training summary)."""
    ckpt = torch.load(path, map_location="cpu")
    model = DigitsDenoiser(**ckpt["arch"])
    model.load_state_dict(ckpt["state_dict"])
    return model.eval(), ckpt["summary"]
