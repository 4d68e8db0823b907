"""Trains the class-conditional flow-matching latent denoiser of the conditional digits pipeline on CPU.

Data      latents of the training split (cond_data.py) under the trained autoencoder (cond_autoencoder.py):
          a fresh posterior sample per use, scaled, x0 = (z - shift) * scale, shape [32] ( = [2, 4, 4]).
Objective flow matching exactly as diffusers' FlowMatchEulerDiscreteScheduler / SD3 train it:
          x_sigma = (1 - sigma) x0 + sigma eps, eps ~ N(0, I), target velocity v = eps - x0,
          sigma ~ U(0, 1), network timestep input t = sigma * 1000 (float32). Loss: MSE.
Labels    digits 0..9; replaced by the null class 10 with probability 0.1 (classifier-free guidance's
          unconditional branch).
Model     cond_models.CondDenoiser: residual MLP, hidden 192, 3 blocks, class embedding width 32.
Optimiser AdamW lr 1e-3 (no weight decay), 300 warm-up steps then cosine decay, batch 256; the saved weights are
          an exponential moving average (decay 0.999) of the iterates. Seed 0, one torch.Generator for everything.

Run from the repository root after cond_autoencoder.py:
    /usr/bin/python3 train/cond_denoiser.py     (-> .cache/digits-cond/denoiser.pt)
"""
import argparse
import copy
import json
import math
import os
import time

import torch

from cond_autoencoder import DEFAULT_CHECKPOINT as AE_CHECKPOINT
from cond_data import NULL_CLASS, load_cond_digits
from cond_models import Autoencoder, CondDenoiser, parameter_count

DEFAULT_CHECKPOINT = os.path.join(".cache", "digits-cond", "denoiser.pt")
LABEL_DROP = 0.1


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=8000)
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--warmup", type=int, default=300)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--hidden", type=int, default=192)
    p.add_argument("--blocks", type=int, default=3)
    p.add_argument("--embed", type=int, default=32, help="class embedding width E")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="CPU threads (1: two threads on a shared 2-core machine run several times slower)")
    p.add_argument("--autoencoder", default=AE_CHECKPOINT)
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    return p.parse_args()


def load_autoencoder(path: str = AE_CHECKPOINT) -> tuple[Autoencoder, float, float, dict]:
    """(autoencoder in eval mode, scale, shift, its training summary)."""
    ckpt = torch.load(path, map_location="cpu")
    ae = Autoencoder(**ckpt["arch"])
    ae.load_state_dict(ckpt["state_dict"])
    return ae.eval(), ckpt["scale"], ckpt["shift"], ckpt["summary"]


def load_denoiser(path: str = DEFAULT_CHECKPOINT) -> tuple[CondDenoiser, dict]:
    ckpt = torch.load(path, map_location="cpu")
    model = CondDenoiser(**ckpt["arch"])
    model.load_state_dict(ckpt["state_dict"])
    return model.eval(), ckpt["summary"]


def flow_batch(mean: torch.Tensor, std: torch.Tensor, scale: float, shift: float, labels: torch.Tensor, g: torch.Generator, drop: float):
    """(x_sigma, t = sigma * 1000, labels with drops, target velocity) for posterior samples of the given rows."""
    n = mean.shape[0]
    x0 = (mean + std * torch.randn(mean.shape, generator=g) - shift) * scale
    sigma = torch.rand(n, generator=g)
    eps = torch.randn(x0.shape, generator=g)
    x = (1.0 - sigma[:, None]) * x0 + sigma[:, None] * eps
    dropped = torch.rand(n, generator=g) < drop
    return x, sigma * 1000.0, torch.where(dropped, torch.full_like(labels, NULL_CLASS), labels), eps - x0


@torch.no_grad()
def evaluation_loss(model: CondDenoiser, mean, std, scale, shift, labels, draws: int = 8, seed: int = 12345) -> dict:
    """Velocity MSE per coordinate with `draws` fixed (posterior, sigma, eps) draws per image; conditional and null labels."""
    g = torch.Generator().manual_seed(seed)
    cond = null = 0.0
    for _ in range(draws):
        x, t, _, v = flow_batch(mean, std, scale, shift, labels, g, 0.0)
        cond += float(((model(x, t, labels) - v) ** 2).mean())
        null += float(((model(x, t, torch.full_like(labels, NULL_CLASS)) - v) ** 2).mean())
    return {"conditional": round(cond / draws, 4), "null_class": round(null / draws, 4)}


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    ae, scale, shift, _ = load_autoencoder(args.autoencoder)
    d = load_cond_digits()
    images, labels = torch.from_numpy(d["images"]), torch.from_numpy(d["labels"])
    with torch.no_grad():
        mean, logvar = ae.encode(images)
        std = torch.exp(0.5 * logvar)
    tr, ho = torch.from_numpy(d["train"]), torch.from_numpy(d["heldout"])
    model = CondDenoiser(hidden=args.hidden, blocks=args.blocks, embed=args.embed)
    ema = copy.deepcopy(model).eval()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    g = torch.Generator().manual_seed(args.seed)
    smoothed = None
    started = time.time()
    for step in range(args.steps):
        lr = args.lr * (step + 1) / args.warmup if step < args.warmup else args.lr * 0.5 * (1 + math.cos(math.pi * (step - args.warmup) / max(1, args.steps - args.warmup)))
        for group in opt.param_groups:
            group["lr"] = lr
        idx = tr[torch.randint(0, tr.shape[0], (args.batch,), generator=g)]
        x, t, lab, v = flow_batch(mean[idx], std[idx], scale, shift, labels[idx], g, LABEL_DROP)
        loss = ((model(x, t, lab) - v) ** 2).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(args.ema).add_(pm, alpha=1.0 - args.ema)
        smoothed = loss.item() if smoothed is None else 0.99 * smoothed + 0.01 * loss.item()
        if step % 1000 == 0 or step == args.steps - 1:
            print(f"step {step:5d} loss {loss.item():.4f} smoothed {smoothed:.4f} lr {lr:.2e} {time.time() - started:.0f}s", flush=True)
    seconds = time.time() - started
    summary = {
        "parameters": parameter_count(model),
        "steps": args.steps,
        "batch": args.batch,
        "train_seconds": round(seconds, 1),
        "smoothed_train_loss_last_step": round(smoothed, 4),
        "final_loss": {
            "note": "velocity MSE per coordinate of the EMA weights, 8 fixed (posterior, sigma, eps) draws per image, seed 12345",
            "train": evaluation_loss(ema, mean[tr], std[tr], scale, shift, labels[tr]),
            "heldout": evaluation_loss(ema, mean[ho], std[ho], scale, shift, labels[ho]),
        },
    }
    arch = {"hidden": args.hidden, "blocks": args.blocks, "embed": args.embed}
    os.makedirs(os.path.dirname(args.checkpoint), exist_ok=True)
    torch.save({"arch": arch, "state_dict": ema.state_dict(), "summary": summary}, args.checkpoint)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
