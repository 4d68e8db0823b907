"""Networks of the conditional digits pipeline (models/digits-cond/MODEL_CARD.md).

Autoencoder   8x8 image <-> latent [2, 4, 4] (32 values); a KL-regularised MLP (a tiny VAE, as
              Stable Diffusion's), decoded through a sigmoid to [0, 1].
Denoiser      class-conditional flow-matching velocity network on the 32 latent values: a residual
              MLP with a sinusoidal embedding of timestep t = sigma * 1000 (float) and a learned class
              embedding table [11, E] (digits 0..9, null class 10) projected into the same conditioning
              vector. The exported graphs take the embedding row itself (prompt path) or look it up
              from the table (label path); everything after the embedding is the same module.
Every op works row by row (Linear, LayerNorm over features, elementwise): a row's output does not
depend on the rest of the batch.
"""
import math

import torch
from torch import nn

LATENT_SHAPE = (2, 4, 4)
LATENT_DIM = 32
IMAGE_SHAPE = (1, 8, 8)
TIME_FEATURES = 128
MAX_PERIOD = 10000.0


def timestep_embedding(t: torch.Tensor, features: int = TIME_FEATURES) -> torch.Tensor:
    """[B] float timesteps (sigma * 1000) -> [B, features] = [sin(t f_i), cos(t f_i)], f_i = MAX_PERIOD^(-i/half)."""
    half = features // 2
    i = torch.arange(half, dtype=torch.float32, device=t.device)
    freqs = torch.exp(-math.log(MAX_PERIOD) * i / half)
    angles = t.to(torch.float32)[:, None] * freqs[None, :]
    return torch.cat([torch.sin(angles), torch.cos(angles)], dim=1)


def mlp(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(a, b), nn.SiLU()]
    return nn.Sequential(*layers[:-1])


class Autoencoder(nn.Module):
    """encode: pixels [B, 64] in [-1, 1] -> (mean, logvar) [B, 32]; decode: z [B, 32] -> pixels [B, 64] in [0, 1]."""

    def __init__(self, hidden: int = 256, latent: int = LATENT_DIM):
        super().__init__()
        self.enc = mlp([64, hidden, hidden, 2 * latent])
        self.dec = mlp([latent, hidden, hidden, 64])
        self.latent = latent

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = self.enc(x)
        return h[:, : self.latent], h[:, self.latent :].clamp(-12.0, 6.0)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.dec(z))


class Block(nn.Module):
    """Pre-norm residual block; the conditioning vector (time + class) shifts the hidden pre-activation."""

    def __init__(self, hidden: int, cond_dim: int):
        super().__init__()
        self.norm = nn.LayerNorm(hidden)
        self.fc1 = nn.Linear(hidden, hidden)
        self.cond = nn.Linear(cond_dim, hidden)
        self.fc2 = nn.Linear(hidden, hidden)
        self.act = nn.SiLU()

    def forward(self, h: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
        return h + self.fc2(self.act(self.fc1(self.norm(h)) + self.cond(c)))


class CondDenoiser(nn.Module):
    """velocity(sample [B, 32], timestep [B] float, class embedding row [B, E]) -> [B, 32]."""

    def __init__(self, dim: int = LATENT_DIM, hidden: int = 192, blocks: int = 3, embed: int = 32, classes: int = 11, cond_dim: int = 192):
        super().__init__()
        self.class_embed = nn.Embedding(classes, embed)
        self.time_in = nn.Linear(TIME_FEATURES, cond_dim)
        self.class_in = nn.Linear(embed, cond_dim)
        self.act = nn.SiLU()
        self.inp = nn.Linear(dim, hidden)
        self.blocks = nn.ModuleList([Block(hidden, cond_dim) for _ in range(blocks)])
        self.out_norm = nn.LayerNorm(hidden)
        self.out = nn.Linear(hidden, dim)
        self.embed = embed

    def forward_embedded(self, sample: torch.Tensor, timestep: torch.Tensor, emb: torch.Tensor) -> torch.Tensor:
        c = self.act(self.time_in(timestep_embedding(timestep)) + self.class_in(emb))
        h = self.inp(sample)
        for block in self.blocks:
            h = block(h, c)
        return self.out(self.act(self.out_norm(h)))

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.forward_embedded(sample, timestep, self.class_embed(labels))


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


# ---- The exported interfaces (channels-first latents and images, as diffusers' layout) ----


class PromptPathDenoiser(nn.Module):
    """denoiser.onnx: (sample [B,2,4,4], timestep [B] float32, encoder_hidden_states [B,1,E]) -> velocity [B,2,4,4]."""

    def __init__(self, model: CondDenoiser):
        super().__init__()
        self.model = model

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, encoder_hidden_states: torch.Tensor) -> torch.Tensor:
        emb = torch.flatten(encoder_hidden_states, start_dim=1)
        v = self.model.forward_embedded(torch.flatten(sample, start_dim=1), timestep, emb)
        return v.reshape((-1,) + LATENT_SHAPE)


class LabelPathDenoiser(nn.Module):
    """denoiser-labels.onnx: (sample, timestep, class_labels [B] int64) -> velocity; the embedding row is looked up
    (Gather) and unsqueezed to [B, 1, E], then the very same graph as PromptPathDenoiser runs on it."""

    def __init__(self, model: CondDenoiser):
        super().__init__()
        self.prompt_path = PromptPathDenoiser(model)

    def forward(self, sample: torch.Tensor, timestep: torch.Tensor, class_labels: torch.Tensor) -> torch.Tensor:
        ehs = torch.unsqueeze(self.prompt_path.model.class_embed(class_labels), 1)
        return self.prompt_path(sample, timestep, ehs)


class ScaledDecoder(nn.Module):
    """decoder.onnx: scaled latent [B,2,4,4] -> image [B,1,8,8] in [0,1]; z = latent / scale + shift inside."""

    def __init__(self, ae: Autoencoder, scale: float, shift: float):
        super().__init__()
        self.ae = ae
        self.scale = scale
        self.shift = shift

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        z = torch.flatten(latent, start_dim=1) / self.scale + self.shift
        return self.ae.decode(z).reshape((-1,) + IMAGE_SHAPE)


def encode_scaled(ae: Autoencoder, x: torch.Tensor, scale: float, shift: float, generator: torch.Generator | None = None) -> torch.Tensor:
    """Pixels [B, 64] in [-1, 1] -> scaled latents [B, 32]: (z - shift) * scale, z the posterior mean, or a posterior
    sample when a generator is given (as diffusers' latent_dist.sample())."""
    mean, logvar = ae.encode(x)
    z = mean if generator is None else mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=generator)
    return (z - shift) * scale
