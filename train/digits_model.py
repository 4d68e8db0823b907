"""The denoiser: a residual MLP on flattened 8x8 images with a sinusoidal timestep embedding.

    sample [B, 64] float32, timestep [B] int64  ->  epsilon [B, 64] float32

Why an MLP and not a UNet: at 8x8 the whole image fits one receptive field, an MLP trains
in minutes on two CPU cores, and its ONNX graph is a handful of GEMMs that any runtime
(onnxruntime CPU/CUDA/TensorRT, Triton) executes the same way. Every op works row by row
(Linear, LayerNorm over features, elementwise), so a row's output cannot depend on its
batch neighbours: the Worker's denoiser port requires that.
"""
import math

import torch
from torch import nn

# Timestep embedding width and period, as diffusers' get_timestep_embedding (max_period 10000).
TIME_FEATURES = 128
MAX_PERIOD = 10000.0


def timestep_embedding(t: torch.Tensor, features: int = TIME_FEATURES) -> torch.Tensor:
    """[B] integer timesteps -> [B, features] as [sin(t f_i), cos(t f_i)], f_i = MAX_PERIOD^(-i/half)."""
    half = features // 2
    i = torch.arange(half, dtype=torch.float32, device=t.device)
    freqs = torch.exp(-math.log(MAX_PERIOD) * i / half)
    angles = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class Block(nn.Module):
    """Pre-norm residual block; the time features shift the hidden pre-activation."""

    def __init__(self, hidden: int, time_dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(hidden)
        self.fc1 = nn.Linear(hidden, hidden)
        self.time = nn.Linear(time_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.act = nn.SiLU()

    def forward(self, h: torch.Tensor, temb: torch.Tensor) -> torch.Tensor:
        y = self.act(self.fc1(self.norm(h)) + self.time(temb))
        return h + self.fc2(y)


class DigitsDenoiser(nn.Module):
    def __init__(self, dim: int = 64, hidden: int = 256, blocks: int = 3, time_dim: int = TIME_FEATURES):
        super().__init__()
        self.time_mlp = nn.Sequential(nn.Linear(TIME_FEATURES, time_dim), nn.SiLU())
        self.inp = nn.Linear(dim, hidden)
        self.blocks = nn.ModuleList([Block(hidden, time_dim) for _ in range(blocks)])
        self.out_norm = nn.LayerNorm(hidden)
        self.out = nn.Linear(hidden, dim)
        self.act = nn.SiLU()

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        temb = self.time_mlp(timestep_embedding(timestep))
        h = self.inp(sample)
        for block in self.blocks:
            h = block(h, temb)
        return self.out(self.act(self.out_norm(h)))


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


class ImageLayout(nn.Module):
    """The exported interface: sample and epsilon as channels-first images [B, 1, 8, 8] (diffusers'
    layout), so that a server's metadata already says the rows are 8x8 images; the MLP sees [B, 64]."""

    def __init__(self, model: DigitsDenoiser, image_shape: tuple[int, int, int] = (1, 8, 8)):
        super().__init__()
        self.model = model
        self.image_shape = image_shape

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        eps = self.model(torch.flatten(sample, start_dim=1), timestep)
        return eps.reshape((-1,) + self.image_shape)
