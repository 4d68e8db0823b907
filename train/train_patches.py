"""Trains the patches-32 epsilon-prediction UNet (DDPM) on CPU, time-boxed by wall clock.

Data      32x32 RGB patches of Debian's skimage/sklearn photographs and textures (patches_data.py):
          19,752 training patches (stride 16, scales 1 and 0.5, plus mirrors), pixels -> [-1, 1];
          chelsea.png and gravel.png held out whole (1,420 patches; the evaluation loss uses a
          seeded subset of 512 of them, and 512 training patches).
Model     small UNet, channels 32/64/128 at 32/16/8 pixels, 1 residual block per level in the
          encoder (2 in the decoder), self-attention at 8x8 (patches_model.py, config ARCH below).
Schedule  DDPM, 1000 training timesteps, linear betas 1e-4..0.02 (ddpm.SCHEDULER_CONFIG).
Loss      mean squared error between the true noise eps and the prediction at
          x_t = sqrt(a_t) x0 + sqrt(1 - a_t) eps, t ~ U{0..999}, eps ~ N(0, I).
Optimiser AdamW (lr 6e-4, weight decay 0), linear warm-up over 100 steps then constant, gradients
          clipped to norm 1, batch 32. Stops after --minutes of wall clock (default 50), so the step
          count depends on the machine's speed. Saved weights: exponential moving average of the
          iterates with decay min(0.998, (1 + n) / (10 + n)) at step n.
Seed      --seed (default 0) seeds torch; batches, timesteps and noise come from one torch.Generator.
          Up to the wall-clock stop, a rerun on the same machine and thread count repeats the same steps.
Crash     every --checkpoint-minutes (default 5) the full state (weights, EMA, optimiser, generator,
          step) goes to --state (default /tmp/patches-train/state.pt); --resume continues from it
          (the wall-clock budget then counts from the resumed run's start plus the time already spent).

Run (from the repository root; Debian's python3-torch, CPU only, 2 threads):
    nohup nice -n 5 /usr/bin/python3 train/train_patches.py --minutes 50 > /tmp/patches-train/log.txt 2>&1 &
    /usr/bin/python3 train/export_patches_onnx.py     # -> models/patches-32/{model.onnx, reference.json, ...}
    /usr/bin/python3 train/sample_patches_grid.py     # -> docs/patches.png
"""
import argparse
import copy
import json
import os
import time

import numpy as np
import torch

import ddpm
from patches_data import heldout_patches, to_model, train_patches
from patches_model import DEFAULT_CONFIG, build_model, parameter_count

ARCH = {**DEFAULT_CONFIG, "channels": [32, 64, 128], "res_blocks": 1, "attention_levels": [2]}
WORK_DIR = "/tmp/patches-train"
DEFAULT_CHECKPOINT = os.path.join(WORK_DIR, "patches.pt")
EVAL_PATCHES = 512  # evaluation loss on 512 held-out and 512 training patches (CPU time is scarce)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--minutes", type=float, default=50.0, help="wall-clock budget for the optimiser steps")
    p.add_argument("--max-steps", type=int, default=0, help="stop earlier after this many steps (0: no limit)")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=6e-4)
    p.add_argument("--warmup", type=int, default=100)
    p.add_argument("--ema", type=float, default=0.998, help="EMA decay cap")
    p.add_argument("--clip", type=float, default=1.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2, help="CPU threads (the machine is shared)")
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--checkpoint-minutes", type=float, default=5.0)
    p.add_argument("--state", default=os.path.join(WORK_DIR, "state.pt"))
    p.add_argument("--resume", action="store_true")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT, help="final EMA weights + summary")
    p.add_argument("--eval-passes", type=int, default=2, help="0: skip the final evaluation loss")
    p.add_argument("--device", default="cpu", help="torch device (cpu; cuda also works, batches still come from the CPU generator)")
    return p.parse_args(argv)


def add_noise(x0: torch.Tensor, eps: torch.Tensor, t: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
    """q(x_t | x_0) for image batches [B, C, H, W]."""
    at = a[t].reshape(-1, 1, 1, 1)
    return at.sqrt() * x0 + (1.0 - at).sqrt() * eps


@torch.no_grad()
def ema_update(ema: torch.nn.Module, model: torch.nn.Module, decay: float) -> None:
    for pe, pm in zip(ema.parameters(), model.parameters()):
        pe.mul_(decay).add_(pm, alpha=1.0 - decay)


@torch.no_grad()
def evaluation_loss(model: torch.nn.Module, x0_u8: np.ndarray, a: torch.Tensor, passes: int = 2, batch: int = 128) -> float:
    """Epsilon MSE over x0_u8 (uint8 patches), `passes` fixed (t, eps) draws per patch (seed 12345)."""
    if passes <= 0:
        return float("nan")
    dev = next(model.parameters()).device
    g = torch.Generator().manual_seed(12345)
    x0_all = torch.from_numpy(to_model(x0_u8))
    total, count = 0.0, 0
    for _ in range(passes):
        t_all = torch.randint(0, a.shape[0], (x0_all.shape[0],), generator=g)
        eps_all = torch.randn(x0_all.shape, generator=g)
        for i in range(0, x0_all.shape[0], batch):
            x0, t, eps = (v[i : i + batch].to(dev) for v in (x0_all, t_all, eps_all))
            pred = model(add_noise(x0, eps, t, a), t)
            total += torch.sum((pred - eps) ** 2).item()
            count += eps.numel()
    return total / count


def heldout_subset(held: np.ndarray) -> np.ndarray:
    """The EVAL_PATCHES held-out patches the evaluation uses (seeded choice, in index order); the
    export writes the same ones to models/patches-32/heldout-patches.npy."""
    return held[np.sort(np.random.default_rng(1).choice(held.shape[0], EVAL_PATCHES, replace=False))]


def save_state(path, step, elapsed, running, model, ema, opt, g, history):
    tmp = path + ".tmp"
    torch.save({"step": step, "elapsed": elapsed, "running": running, "arch": ARCH,
                "model": model.state_dict(), "ema": ema.state_dict(), "opt": opt.state_dict(),
                "generator": g.get_state(), "history": history}, tmp)
    os.replace(tmp, path)


def train(args: argparse.Namespace) -> dict:
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(os.path.dirname(args.state) or ".", exist_ok=True)
    g = torch.Generator().manual_seed(args.seed)
    data = train_patches()
    held = heldout_patches()
    print(f"train patches {data.shape[0]}, held-out patches {held.shape[0]}", flush=True)
    data_t = torch.from_numpy(data)
    dev = torch.device(args.device)
    a = ddpm.alphas_cumprod().to(dev)
    model = build_model(ARCH).to(dev)
    ema = copy.deepcopy(model).requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    step, spent, running, history = 0, 0.0, None, []
    if args.resume and os.path.exists(args.state):
        s = torch.load(args.state, map_location="cpu")  # load_state_dict copies to the device
        model.load_state_dict(s["model"]); ema.load_state_dict(s["ema"]); opt.load_state_dict(s["opt"])
        g.set_state(s["generator"]); step, spent, running, history = s["step"], s["elapsed"], s["running"], s["history"]
        print(f"resumed at step {step}, {spent:.0f}s already spent", flush=True)
    print(f"parameters {parameter_count(model)}; arch {json.dumps(ARCH)}", flush=True)
    budget = args.minutes * 60.0
    start = time.time() - spent
    last_ckpt = time.time()
    model.train()
    while True:
        elapsed = time.time() - start
        if elapsed >= budget or (args.max_steps and step >= args.max_steps):
            break
        idx = torch.randint(0, data_t.shape[0], (args.batch,), generator=g)
        x0 = data_t[idx].to(torch.float32) / 127.5 - 1.0
        t = torch.randint(0, a.shape[0], (args.batch,), generator=g)
        eps = torch.randn(x0.shape, generator=g)
        x0, t, eps = x0.to(dev), t.to(dev), eps.to(dev)
        loss = torch.mean((model(add_noise(x0, eps, t, a), t) - eps) ** 2)
        for group in opt.param_groups:
            group["lr"] = args.lr * min(1.0, (step + 1) / args.warmup)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        ema_update(ema, model, min(args.ema, (1.0 + step) / (10.0 + step)))
        running = loss.item() if running is None else 0.98 * running + 0.02 * loss.item()
        step += 1
        if step % args.log_every == 0 or step == 1:
            el = time.time() - start
            print(f"step {step:6d}  loss {running:.4f}  {el:7.1f}s  {step / max(el, 1e-9):.3f} steps/s", flush=True)
            history.append([step, round(running, 5), round(el, 1)])
        if time.time() - last_ckpt >= args.checkpoint_minutes * 60.0:
            save_state(args.state, step, time.time() - start, running, model, ema, opt, g, history)
            last_ckpt = time.time()
            print(f"state saved at step {step}", flush=True)
    seconds = time.time() - start
    save_state(args.state, step, seconds, running, model, ema, opt, g, history)
    ema.eval()
    t0 = time.time()
    held_loss = evaluation_loss(ema, heldout_subset(held), a, args.eval_passes)
    sub = data[np.random.default_rng(0).choice(data.shape[0], EVAL_PATCHES, replace=False)]
    train_loss = evaluation_loss(ema, sub, a, args.eval_passes)
    summary = {
        "parameters": parameter_count(ema),
        "steps": step,
        "train_seconds": round(seconds, 1),
        "steps_per_second": round(step / max(seconds, 1e-9), 4),
        "train_patches": int(data.shape[0]),
        "heldout_patches": int(held.shape[0]),
        "eval_patches": EVAL_PATCHES,
        "final_train_loss_smoothed": None if running is None else round(running, 5),
        "eval_loss_ema_heldout": round(held_loss, 5),
        "eval_loss_ema_train_subset": round(train_loss, 5),
        "eval_seconds": round(time.time() - t0, 1),
        "args": vars(args),
    }
    os.makedirs(os.path.dirname(args.checkpoint) or ".", exist_ok=True)
    torch.save({"arch": ARCH, "state_dict": {k: v.cpu() for k, v in ema.state_dict().items()}, "summary": summary, "history": history}, args.checkpoint)
    return summary


if __name__ == "__main__":
    print(json.dumps(train(parse_args()), indent=2), flush=True)
