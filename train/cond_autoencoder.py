"""Trains the conditional pipeline's autoencoder (8x8 digit <-> latent [2, 4, 4]) on CPU.

Data      the training split of cond_data.py (80% of sklearn's 1797 digits), pixels in [-1, 1] in,
          reconstruction target the same pixels in [0, 1] (pixel / 16).
Model     cond_models.Autoencoder: MLP 64-256-256-(32 mean, 32 log-variance) and MLP 32-256-256-64 + sigmoid.
Loss      per image: sum over the 64 pixels of the squared error of a decoded posterior sample
          + KL_WEIGHT * KL(q(z|x) || N(0, I)) (a tiny VAE: the KL keeps the latent space smooth and bounded).
Optimiser AdamW lr 2e-3 (weight decay 1e-4), cosine decay, batch 128, 4,000 steps, seed 0.
Latent scale  after training, shift = mean and scale = 1 / std of posterior samples over the training split, all
          32 coordinates pooled (Stable Diffusion 3's shift_factor / scaling_factor convention):
          scaled = (z - shift) * scale. The exported decoder takes the scaled latent and undoes it.

Run from the repository root:  /usr/bin/python3 train/cond_autoencoder.py   (-> .cache/digits-cond/autoencoder.pt)
"""
import argparse
import json
import math
import os
import time

import torch

from cond_data import load_cond_digits
from cond_models import Autoencoder, encode_scaled, parameter_count

DEFAULT_CHECKPOINT = os.path.join(".cache", "digits-cond", "autoencoder.pt")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=4000)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--kl", type=float, default=0.003, help="KL weight")
    p.add_argument("--hidden", type=int, default=256)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="CPU threads (1: two threads on a shared 2-core machine run several times slower)")
    p.add_argument("--checkpoint", default=DEFAULT_CHECKPOINT)
    return p.parse_args()


def losses(ae: Autoencoder, x: torch.Tensor, kl_weight: float, g: torch.Generator | None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(total, reconstruction SSE per image, KL per image), means over the batch. g=None decodes the posterior mean."""
    mean, logvar = ae.encode(x)
    z = mean if g is None else mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)
    target = (x + 1.0) * 0.5
    rec = ((ae.decode(z) - target) ** 2).sum(dim=1).mean()
    kl = 0.5 * (mean**2 + logvar.exp() - 1.0 - logvar).sum(dim=1).mean()
    return rec + kl_weight * kl, rec, kl


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    d = load_cond_digits()
    images = torch.from_numpy(d["images"])
    train, held = images[d["train"]], images[d["heldout"]]
    ae = Autoencoder(hidden=args.hidden)
    opt = torch.optim.AdamW(ae.parameters(), lr=args.lr, weight_decay=1e-4)
    g = torch.Generator().manual_seed(args.seed)
    started = time.time()
    for step in range(args.steps):
        for group in opt.param_groups:
            group["lr"] = args.lr * 0.5 * (1.0 + math.cos(math.pi * step / args.steps))
        idx = torch.randint(0, train.shape[0], (args.batch,), generator=g)
        loss, rec, kl = losses(ae, train[idx], args.kl, g)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if step % 1000 == 0 or step == args.steps - 1:
            print(f"step {step:5d} loss {loss.item():.4f} rec {rec.item():.4f} kl {kl.item():.2f}", flush=True)
    seconds = time.time() - started
    ae.eval()
    with torch.no_grad():
        eval_g = torch.Generator().manual_seed(12345)
        _, rec_train, kl_train = losses(ae, train, args.kl, None)
        _, rec_held, kl_held = losses(ae, held, args.kl, None)
        z = encode_scaled(ae, train, 1.0, 0.0, eval_g)
        shift = float(z.mean())
        scale = float(1.0 / z.std())
        zs = (z - shift) * scale
        per_coord = zs.std(dim=0)
        _, logvar = ae.encode(train)
    summary = {
        "parameters": parameter_count(ae),
        "steps": args.steps,
        "kl_weight": args.kl,
        "train_seconds": round(seconds, 1),
        "final_loss": {
            "note": "posterior-mean reconstruction: squared error summed over 64 pixels in [0, 1], mean over images; KL in nats per image",
            "train_sse": round(rec_train.item(), 4),
            "heldout_sse": round(rec_held.item(), 4),
            "heldout_mse_per_pixel": round(rec_held.item() / 64, 5),
            "train_kl": round(kl_train.item(), 2),
            "heldout_kl": round(kl_held.item(), 2),
        },
        "latent_shift": shift,
        "latent_scale": scale,
        "scaled_latent_std_per_coordinate": {"min": round(float(per_coord.min()), 3), "max": round(float(per_coord.max()), 3)},
        "posterior_std_median": round(float(torch.exp(0.5 * logvar).median()), 4),
    }
    os.makedirs(os.path.dirname(args.checkpoint), exist_ok=True)
    torch.save({"arch": {"hidden": args.hidden}, "state_dict": ae.state_dict(), "shift": shift, "scale": scale, "summary": summary}, args.checkpoint)
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
