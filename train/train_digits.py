"""Trains the digits epsilon-prediction denoiser (DDPM) on CPU and saves a checkpoint.

Data      sklearn's 8x8 handwritten digits (1797 images, digits_data.py), pixels 0..16 -> [-1, 1],
          flattened row-major to 64 values. No labels are used: the model is unconditional.
Model     residual MLP, hidden 192, 3 blocks, sinusoidal timestep embedding (digits_model.py);
          339,520 parameters. Hidden 256 (545k parameters, 1.6x slower) gave no visibly better digits.
Schedule  DDPM, 1000 training timesteps, linear betas 1e-4..0.02 (ddpm.SCHEDULER_CONFIG).
Loss      mean squared error between the true noise eps and the prediction at
          x_t = sqrt(a_t) x0 + sqrt(1 - a_t) eps, t ~ U{0..999}, eps ~ N(0, I).
Optimiser AdamW (lr 2e-3, no weight decay), 500 warm-up steps then cosine decay to 0, batch 256,
          16,000 steps. The saved weights are an exponential moving average (decay 0.999) of the
          iterates, as usual for diffusion models: it averages out the optimiser's noise.
Seed      --seed (default 0) seeds torch; batches and noise come from one torch.Generator.
          On the same machine and thread count a rerun gives bit-identical weights (checked on short runs).

Run (from the repository root; Debian's python3-torch, CPU only, a few minutes on 2 cores):
    /usr/bin/python3 train/train_digits.py            # writes .cache/digits/digits.pt
    /usr/bin/python3 train/export_onnx.py             # -> models/digits/{model.onnx, reference.json, scheduler_config.json}
    /usr/bin/python3 train/sample_grid.py             # -> .cache/digits/samples-pytorch.png
or all three: npm run train:digits. Optional: the exported model is committed.
"""
import argparse
import copy
import json
import math
import os
import time

import torch

import ddpm
from digits_data import load_digits
from digits_model import DigitsDenoiser, parameter_count

DEFAULT_CHECKPOINT = os.path.join(".cache", "digits", "digits.pt")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=16000, help="optimiser steps")
    p.add_argument("--batch", type=int, default=256)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--warmup", type=int, default=500)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--hidden", type=int, default=192)
    p.add_argument("--blocks", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="CPU threads (the machine is shared)")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    return p.parse_args()


def learning_rate(step: int, args: argparse.Namespace) -> float:
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    progress = (step - args.warmup) / max(1, args.steps - args.warmup)
    return args.lr * 0.5 * (1.0 + math.cos(math.pi * progress))


@torch.no_grad()
def ema_update(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    for pe, pm in zip(ema.parameters(), model.parameters()):
        pe.mul_(decay).add_(pm, alpha=1.0 - decay)


@torch.no_grad()
def evaluation_loss(model: torch.nn.Module, x0: torch.Tensor, a: torch.Tensor, passes: int = 8) -> float:
    """Epsilon MSE over the whole data set, `passes` fixed (t, eps) draws per image (seed 12345)."""
    g = torch.Generator().manual_seed(12345)
    total, count = 0.0, 0
    for _ in range(passes):
        t = torch.randint(0, a.shape[0], (x0.shape[0],), generator=g)
        eps = torch.randn(x0.shape, generator=g)
        pred = model(ddpm.add_noise(x0, eps, t, a), t)
        total += torch.sum((pred - eps) ** 2).item()
        count += eps.numel()
    return total / count


def train(args: argparse.Namespace) -> dict:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    g = torch.Generator().manual_seed(args.seed)
    images, _ = load_digits()
    x0_all = torch.from_numpy(images)
    a = ddpm.alphas_cumprod()
    model = DigitsDenoiser(hidden=args.hidden, blocks=args.blocks)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    start, running = time.time(), None
    for step in range(args.steps):
        idx = torch.randint(0, x0_all.shape[0], (args.batch,), generator=g)
        x0 = x0_all[idx]
        t = torch.randint(0, a.shape[0], (args.batch,), generator=g)
        eps = torch.randn(x0.shape, generator=g)
        loss = torch.mean((model(ddpm.add_noise(x0, eps, t, a), t) - eps) ** 2)
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, args)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        ema_update(ema, model, args.ema)
        running = loss.item() if running is None else 0.99 * running + 0.01 * loss.item()
        if step % 2000 == 0 or step == args.steps - 1:
            print(f"step {step:6d}  loss {running:.4f}  {time.time() - start:6.1f}s", flush=True)
    seconds = time.time() - start
    summary = {
        "parameters": parameter_count(ema),
        "train_seconds": round(seconds, 1),
        "final_train_loss_smoothed": round(running, 5),
        "eval_loss_ema": round(evaluation_loss(ema, x0_all, a), 5),
        "args": vars(args),
    }
    os.makedirs(os.path.dirname(args.checkpoint) or ".", exist_ok=True)
    arch = {"hidden": args.hidden, "blocks": args.blocks}
    torch.save({"arch": arch, "state_dict": ema.state_dict(), "summary": summary}, args.checkpoint)
    return summary


if __name__ == "__main__":
    print(json.dumps(train(parse_args()), indent=2))
