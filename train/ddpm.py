"""DDPM noise schedule and the plain ancestral sampler, written to match diffusers' DDPMScheduler.

The schedule (linear betas 1e-4..0.02 over 1000 steps, float32 like diffusers) is the one
models/digits/scheduler_config.json declares; `step` is DDPMScheduler.step for epsilon
prediction, clip_sample (range 1), variance_type fixed_small, timestep_spacing leading.
It only serves the sanity-check grid: the product's sampler lives in the Worker.
"""
import torch

SCHEDULER_CONFIG = {
    "_class_name": "DDPMScheduler",
    "_diffusers_version": "0.31.0",
    "num_train_timesteps": 1000,
    "beta_schedule": "linear",
    "beta_start": 0.0001,
    "beta_end": 0.02,
    "trained_betas": None,
    "prediction_type": "epsilon",
    "variance_type": "fixed_small",
    "clip_sample": True,
    "clip_sample_range": 1.0,
    "timestep_spacing": "leading",
    "steps_offset": 0,
    "thresholding": False,
    "dynamic_thresholding_ratio": 0.995,
    "sample_max_value": 1.0,
    "rescale_betas_zero_snr": False,
}


def alphas_cumprod(cfg: dict = SCHEDULER_CONFIG) -> torch.Tensor:
    """[T] float32 cumulative products of (1 - beta), as diffusers computes them."""
    T = cfg["num_train_timesteps"]
    betas = torch.linspace(cfg["beta_start"], cfg["beta_end"], T, dtype=torch.float32)
    return torch.cumprod(1.0 - betas, dim=0)


def add_noise(x0: torch.Tensor, eps: torch.Tensor, t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """q(x_t | x_0): sqrt(a_t) x0 + sqrt(1 - a_t) eps."""
    at = a[t][:, None]
    return at.sqrt() * x0 + (1.0 - at).sqrt() * eps


def leading_timesteps(steps: int, T: int = 1000) -> list[int]:
    """diffusers 'leading' spacing with steps_offset 0: (0..steps-1) * (T // steps), descending."""
    ratio = T // steps
    return [i * ratio for i in reversed(range(steps))]


@torch.no_grad()
def sample(model, n: int, steps: int, generator: torch.Generator, row_shape: tuple = (64,)) -> torch.Tensor:
    """n samples of shape row_shape (digits: (64,); patches-32: (3, 32, 32)) from the plain sequential
    DDPM sampler with `steps` steps (epsilon, fixed_small, clip_sample 1, leading spacing)."""
    a = alphas_cumprod()
    T = a.shape[0]
    ratio = T // steps
    x = torch.randn(n, *row_shape, generator=generator)
    for t in leading_timesteps(steps, T):
        eps = model(x, torch.full((n,), t, dtype=torch.int64))
        s = t - ratio
        a_t = a[t]
        a_s = a[s] if s >= 0 else torch.tensor(1.0)
        alpha_ts = a_t / a_s
        beta_ts = 1.0 - alpha_ts
        x0 = ((x - (1.0 - a_t).sqrt() * eps) / a_t.sqrt()).clamp(-1.0, 1.0)
        mu = (a_s.sqrt() * beta_ts / (1.0 - a_t)) * x0 + (alpha_ts.sqrt() * (1.0 - a_s) / (1.0 - a_t)) * x
        if t > 0:
            var = torch.clamp((1.0 - a_s) / (1.0 - a_t) * beta_ts, min=1e-20)
            x = mu + var.sqrt() * torch.randn(x.shape, generator=generator)
        else:
            x = mu
    return x
