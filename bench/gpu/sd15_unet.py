"""A Stable Diffusion 1.5-sized conditional UNet in plain PyTorch, for timing only (random weights).

Written for bench/gpu/cost_curves.py from the published architecture description (Rombach et al.
2022; the SD 1.5 UNet config), not copied from any implementation; the layer shapes follow that
config so that the parameter count (859,520,964 with the defaults) and the FLOPs match the real
network, and a timing of one forward is a timing of SD 1.5's denoiser. Nothing here is trained.

Configuration (SD15_CONFIG):
  latent 4 x 64 x 64 in and out (a 512 x 512 image), context [77, 768] (CLIP ViT-L/14 text states)
  block channels 320 / 640 / 1280 / 1280, 2 residual blocks per level in the encoder, 3 in the decoder
  (on concatenated skips); stride-2 conv downsampling, nearest x2 + conv upsampling
  transformer blocks (self-attention, cross-attention to the context, GEGLU feed-forward x4), 8 heads,
  after every residual block of the first three levels (encoder and decoder) and in the middle
  residual blocks: GroupNorm(32, eps 1e-5), SiLU, 3x3 convs, time embedding (sinusoidal 320 ->
  Linear 1280 -> SiLU -> Linear 1280) added per channel
Attention uses torch.nn.functional.scaled_dot_product_attention where it exists (PyTorch >= 2.0: the
flash / memory-efficient kernels), else a plain softmax(QK^T)V computed in chunks of the batch.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F

SD15_CONFIG = {
    "in_channels": 4,
    "out_channels": 4,
    "block_channels": [320, 640, 1280, 1280],
    "layers_per_block": 2,
    "attention_levels": [True, True, True, False],
    "context_dim": 768,
    "context_tokens": 77,
    "heads": 8,
    "groups": 32,
    "latent_size": 64,
}

HAS_SDPA = hasattr(F, "scaled_dot_product_attention")


def timestep_embedding(t: torch.Tensor, features: int) -> torch.Tensor:
    half = features // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float32, device=t.device) / half)
    angles = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.cos(angles), torch.sin(angles)], dim=1)


def attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, heads: int) -> torch.Tensor:
    """q [B, Nq, C], k/v [B, Nk, C] -> [B, Nq, C], `heads` heads of C / heads."""
    b, nq, c = q.shape
    d = c // heads
    q, k, v = (x.reshape(b, -1, heads, d).transpose(1, 2) for x in (q, k, v))  # [B, h, N, d]
    if HAS_SDPA:
        out = F.scaled_dot_product_attention(q, k, v)
    else:
        # Bound the [chunk, h, Nq, Nk] score tensor to about 2^28 elements.
        chunk = max(1, (1 << 28) // (heads * nq * k.shape[2]))
        out = torch.cat([
            torch.softmax(q[i : i + chunk] @ k[i : i + chunk].transpose(-1, -2) * d ** -0.5, dim=-1) @ v[i : i + chunk]
            for i in range(0, b, chunk)
        ])
    return out.transpose(1, 2).reshape(b, nq, c)


class ResBlock(nn.Module):
    def __init__(self, cin: int, cout: int, temb: int, groups: int):
        super().__init__()
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.temb = nn.Linear(temb, cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x))) + self.temb(F.silu(emb))[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return self.skip(x) + h


class CrossAttention(nn.Module):
    def __init__(self, dim: int, context_dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(dim, dim, bias=False)
        self.k = nn.Linear(context_dim, dim, bias=False)
        self.v = nn.Linear(context_dim, dim, bias=False)
        self.out = nn.Linear(dim, dim)

    def forward(self, x, context=None):
        ctx = x if context is None else context
        return self.out(attention(self.q(x), self.k(ctx), self.v(ctx), self.heads))


class GEGLU(nn.Module):
    def __init__(self, dim: int, mult: int = 4):
        super().__init__()
        self.proj = nn.Linear(dim, 2 * mult * dim)
        self.out = nn.Linear(mult * dim, dim)

    def forward(self, x):
        a, gate = self.proj(x).chunk(2, dim=-1)
        return self.out(a * F.gelu(gate))


class TransformerBlock(nn.Module):
    def __init__(self, dim: int, context_dim: int, heads: int):
        super().__init__()
        self.norm1, self.attn1 = nn.LayerNorm(dim), CrossAttention(dim, dim, heads)
        self.norm2, self.attn2 = nn.LayerNorm(dim), CrossAttention(dim, context_dim, heads)
        self.norm3, self.ff = nn.LayerNorm(dim), GEGLU(dim)

    def forward(self, x, context):
        x = x + self.attn1(self.norm1(x))
        x = x + self.attn2(self.norm2(x), context)
        return x + self.ff(self.norm3(x))


class SpatialTransformer(nn.Module):
    """GroupNorm, 1x1 conv in, one transformer block over the H*W tokens, 1x1 conv out, residual."""

    def __init__(self, ch: int, context_dim: int, heads: int, groups: int):
        super().__init__()
        self.norm = nn.GroupNorm(groups, ch, eps=1e-6)
        self.proj_in = nn.Conv2d(ch, ch, 1)
        self.block = TransformerBlock(ch, context_dim, heads)
        self.proj_out = nn.Conv2d(ch, ch, 1)

    def forward(self, x, context):
        b, c, h, w = x.shape
        y = self.proj_in(self.norm(x)).reshape(b, c, h * w).transpose(1, 2)
        y = self.block(y, context).transpose(1, 2).reshape(b, c, h, w)
        return x + self.proj_out(y)


class Downsample(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, stride=2, padding=1)

    def forward(self, x):
        return self.conv(x)


class Upsample(nn.Module):
    def __init__(self, ch):
        super().__init__()
        self.conv = nn.Conv2d(ch, ch, 3, padding=1)

    def forward(self, x):
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Stage(nn.Module):
    """One residual block, optionally followed by a spatial transformer."""

    def __init__(self, res: ResBlock, attn: SpatialTransformer | None):
        super().__init__()
        self.res, self.attn = res, attn

    def forward(self, x, emb, context):
        x = self.res(x, emb)
        return self.attn(x, context) if self.attn is not None else x


class SD15UNet(nn.Module):
    def __init__(self, config: dict | None = None):
        super().__init__()
        cfg = {**SD15_CONFIG, **(config or {})}
        self.config = cfg
        chs, n, g, heads, cd = cfg["block_channels"], cfg["layers_per_block"], cfg["groups"], cfg["heads"], cfg["context_dim"]
        self.time_features = chs[0]
        temb = 4 * chs[0]
        self.time_mlp = nn.Sequential(nn.Linear(chs[0], temb), nn.SiLU(), nn.Linear(temb, temb))
        self.conv_in = nn.Conv2d(cfg["in_channels"], chs[0], 3, padding=1)

        def st(c, level):
            return SpatialTransformer(c, cd, heads, g) if cfg["attention_levels"][level] else None

        self.down = nn.ModuleList()
        skips, ch = [chs[0]], chs[0]
        for i, c in enumerate(chs):
            for _ in range(n):
                self.down.append(Stage(ResBlock(ch, c, temb, g), st(c, i)))
                ch = c
                skips.append(ch)
            if i < len(chs) - 1:
                self.down.append(Downsample(ch))
                skips.append(ch)
        self.mid_res1 = ResBlock(ch, ch, temb, g)
        self.mid_attn = SpatialTransformer(ch, cd, heads, g)
        self.mid_res2 = ResBlock(ch, ch, temb, g)
        self.up = nn.ModuleList()
        for i, c in reversed(list(enumerate(chs))):
            for _ in range(n + 1):
                self.up.append(Stage(ResBlock(ch + skips.pop(), c, temb, g), st(c, i)))
                ch = c
            if i > 0:
                self.up.append(Upsample(ch))
        assert not skips
        self.norm_out = nn.GroupNorm(g, ch)
        self.conv_out = nn.Conv2d(ch, cfg["out_channels"], 3, padding=1)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        emb = self.time_mlp(timestep_embedding(timestep, self.time_features).to(sample.dtype))
        h = self.conv_in(sample)
        hs = [h]
        for m in self.down:
            h = m(h, emb, context) if isinstance(m, Stage) else m(h)
            hs.append(h)
        h = self.mid_res2(self.mid_attn(self.mid_res1(h, emb), context), emb)
        for m in self.up:
            h = m(torch.cat([h, hs.pop()], dim=1), emb, context) if isinstance(m, Stage) else m(h)
        return self.conv_out(F.silu(self.norm_out(h)))


def build_sd15(config: dict | None = None) -> SD15UNet:
    return SD15UNet(config)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


if __name__ == "__main__":
    small = {"block_channels": [32, 64, 64, 64], "latent_size": 16}
    m = build_sd15(small)
    x = torch.randn(2, 4, 16, 16)
    print("small", parameter_count(m), m(x, torch.tensor([1, 999]), torch.randn(2, 77, 768)).shape)
    print("full SD 1.5 parameters", parameter_count(build_sd15()))
