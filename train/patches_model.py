"""The patches-32 denoiser: a small UNet on 32x32 RGB images with a sinusoidal timestep embedding.

    sample [B, 3, 32, 32] float32, timestep [B] int64  ->  epsilon [B, 3, 32, 32] float32

Layout (DEFAULT_CONFIG): conv 3 -> 64; encoder levels at 32/16/8 pixels with channels 64/128/128,
2 residual blocks each (GroupNorm(32), SiLU, 3x3 conv, plus a projection of the time embedding),
strided-conv downsampling between levels, one self-attention block (single head) at 8x8;
middle: residual, attention, residual at 8x8; decoder mirrors the encoder with 3 residual blocks per
level on the concatenated skips (as in DDPM / diffusers' UNet2DModel), nearest upsampling + 3x3 conv;
GroupNorm, SiLU, conv 64 -> 3. The time embedding is diffusers' get_timestep_embedding (sin, cos
order as digits_model.timestep_embedding), 64 features, through Linear-SiLU-Linear to 256.

Every op works row by row: convolutions, GroupNorm (statistics over one row's channels and pixels,
never over the batch), attention within one row's 64 positions. A row's output cannot depend on
its batch neighbours, as the Worker's denoiser port requires.

build_model(config) is what the GPU timing script (bench/gpu/cost_curves.py) imports; this file
depends on torch only.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

MAX_PERIOD = 10000.0

DEFAULT_CONFIG = {
    "in_channels": 3,
    "channels": [64, 128, 128],  # at 32, 16, 8 pixels
    "res_blocks": 2,
    "attention_levels": [2],  # indices into channels: self-attention at 8x8
    "time_features": 64,
    "time_dim": 256,
    "groups": 32,
    "dropout": 0.0,
}


def timestep_embedding(t: torch.Tensor, features: int) -> torch.Tensor:
    """[B] integer timesteps -> [B, features] as [sin(t f_i), cos(t f_i)], f_i = MAX_PERIOD^(-i/half)."""
    half = features // 2
    i = torch.arange(half, dtype=torch.float32, device=t.device)
    freqs = torch.exp(-math.log(MAX_PERIOD) * i / half)
    angles = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, time_dim: int, groups: int, dropout: float):
        super().__init__()
        self.norm1 = nn.GroupNorm(min(groups, cin), cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(time_dim, cout)
        self.norm2 = nn.GroupNorm(min(groups, cout), cout)
        self.drop = nn.Dropout(dropout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x: torch.Tensor, temb: torch.Tensor) -> torch.Tensor:
        h = self.conv1(F.silu(self.norm1(x)))
        h = h + self.time(temb)[:, :, None, None]
        h = self.conv2(self.drop(F.silu(self.norm2(h))))
        return self.skip(x) + h


class Attention(nn.Module):
    """Single-head self-attention over the H*W positions of one row, pre-GroupNorm, residual."""

    def __init__(self, ch: int, groups: int):
        super().__init__()
        self.norm = nn.GroupNorm(min(groups, ch), ch)
        self.qkv = nn.Conv2d(ch, 3 * ch, 1)
        self.proj = nn.Conv2d(ch, ch, 1)
        self.scale = ch ** -0.5

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, c, h * w).unbind(1)
        att = torch.softmax(torch.bmm(q.transpose(1, 2), k) * self.scale, dim=-1)  # [b, hw, hw]
        out = torch.bmm(v, att.transpose(1, 2)).reshape(b, c, h, w)
        return x + self.proj(out)


class PatchesUNet(nn.Module):
    def __init__(self, config: dict | None = None):
        super().__init__()
        cfg = {**DEFAULT_CONFIG, **(config or {})}
        self.config = cfg
        chs, nres, g, td, dp = cfg["channels"], cfg["res_blocks"], cfg["groups"], cfg["time_dim"], cfg["dropout"]
        attn = set(cfg["attention_levels"])
        self.time_features = cfg["time_features"]
        self.time_mlp = nn.Sequential(nn.Linear(cfg["time_features"], td), nn.SiLU(), nn.Linear(td, td))
        self.conv_in = nn.Conv2d(cfg["in_channels"], chs[0], 3, padding=1)

        self.down = nn.ModuleList()
        skip_chs = [chs[0]]
        ch = chs[0]
        for i, c in enumerate(chs):
            for _ in range(nres):
                self.down.append(ResBlock(ch, c, td, g, dp))
                ch = c
                if i in attn:
                    self.down.append(Attention(ch, g))
                skip_chs.append(ch)
            if i < len(chs) - 1:
                self.down.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
                skip_chs.append(ch)

        self.mid = nn.ModuleList([ResBlock(ch, ch, td, g, dp), Attention(ch, g), ResBlock(ch, ch, td, g, dp)])

        self.up = nn.ModuleList()
        for i, c in reversed(list(enumerate(chs))):
            for _ in range(nres + 1):
                self.up.append(ResBlock(ch + skip_chs.pop(), c, td, g, dp))
                ch = c
                if i in attn:
                    self.up.append(Attention(ch, g))
            if i > 0:
                self.up.append(nn.Sequential(nn.Upsample(scale_factor=2.0, mode="nearest"), nn.Conv2d(ch, ch, 3, padding=1)))
        assert not skip_chs
        self.norm_out = nn.GroupNorm(min(g, ch), ch)
        self.conv_out = nn.Conv2d(ch, cfg["in_channels"], 3, padding=1)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor) -> torch.Tensor:
        temb = self.time_mlp(timestep_embedding(timestep, self.time_features).to(sample.dtype))
        h = self.conv_in(sample)
        skips = [h]
        for m in self.down:
            if isinstance(m, ResBlock):
                h = m(h, temb)
                skips.append(h)
            elif isinstance(m, Attention):
                h = m(h)
                skips[-1] = h
            else:  # downsample
                h = m(h)
                skips.append(h)
        for m in self.mid:
            h = m(h, temb) if isinstance(m, ResBlock) else m(h)
        for m in self.up:
            if isinstance(m, ResBlock):
                h = m(torch.cat([h, skips.pop()], dim=1), temb)
            else:  # attention or upsample
                h = m(h)
        return self.conv_out(F.silu(self.norm_out(h)))


def build_model(config: dict | None = None) -> PatchesUNet:
    return PatchesUNet(config)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


if __name__ == "__main__":
    m = build_model()
    print("parameters", parameter_count(m))
    x = torch.randn(2, 3, 32, 32)
    print(m(x, torch.tensor([0, 999])).shape)
