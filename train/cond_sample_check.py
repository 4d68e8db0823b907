"""Sample check of the conditional digits pipeline in PyTorch: guided sequential flow-matching Euler sampling,
decoded, as a 10 x 10 grid (row k = class k), and a simple classifier's accuracy on real and generated digits.

Sampler   diffusers' FlowMatchEulerDiscreteScheduler with shift 1: sigmas linspace(1, 1/1000, N) then 0, timestep
          t = sigma * 1000, x <- x + (sigma_next - sigma) * v; classifier-free guidance v = u + w (c - u) with
          u the null class's velocity and c the class's (w = 1: no guidance). Starts from N(0, I) latents.
Classifier sklearn LogisticRegression on the training split's pixels (scaled to [0, 1]), evaluated on the held-out
          real digits and on decoded samples (decoder output, [0, 1]); a sample counts as right when the
          classifier says the class it was conditioned on.

Run from the repository root after cond_denoiser.py:
    /usr/bin/python3 train/cond_sample_check.py  [--steps 50 --per-class 100 --grid-guidance 3]
    -> docs/digits-cond.png, models/digits-cond/sample_check.json
"""
import argparse
import json
import os
import warnings

import numpy as np
import torch

from cond_data import NULL_CLASS, load_cond_digits
from cond_denoiser import load_autoencoder, load_denoiser
from cond_models import ScaledDecoder
from png_grid import digits_grid, write_png


def flow_sigmas(steps: int, T: int = 1000) -> list[float]:
    """FlowMatchEulerDiscreteScheduler(shift=1).set_timesteps(steps).sigmas: linspace(T, 1, steps) / T, then 0 (float32)."""
    t = np.linspace(1.0 * T, 1.0, steps, dtype=np.float64)
    return [float(np.float32(v / T)) for v in t] + [0.0]


@torch.no_grad()
def sample(model, labels: torch.Tensor, guidance: float, steps: int, g: torch.Generator) -> torch.Tensor:
    """Scaled latents [n, 32] from guided Euler flow-matching sampling."""
    n = labels.shape[0]
    x = torch.randn(n, 32, generator=g)
    sig = flow_sigmas(steps)
    null = torch.full_like(labels, NULL_CLASS)
    for s, s_next in zip(sig[:-1], sig[1:]):
        t = torch.full((2 * n,), s * 1000.0, dtype=torch.float32)
        v = model(torch.cat([x, x]), t, torch.cat([labels, null]))
        c, u = v[:n], v[n:]
        x = x + (s_next - s) * (u + guidance * (c - u))
    return x


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--per-class", type=int, default=100)
    p.add_argument("--guidance", type=float, nargs="+", default=[1.0, 3.0])
    p.add_argument("--grid-guidance", type=float, default=3.0)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", default=os.path.join("docs", "digits-cond.png"))
    p.add_argument("--json", default=os.path.join("models", "digits-cond", "sample_check.json"))
    args = p.parse_args()
    torch.set_num_threads(1)
    from sklearn.linear_model import LogisticRegression

    ae, scale, shift, _ = load_autoencoder()
    model, _ = load_denoiser()
    decoder = ScaledDecoder(ae, scale, shift).eval()
    d = load_cond_digits()
    pix01 = (d["images"] + 1.0) / 2.0
    tr, ho = d["train"], d["heldout"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = LogisticRegression(max_iter=5000).fit(pix01[tr], d["labels"][tr])
    result = {
        "sampler": f"sequential Euler flow matching, {args.steps} steps, shift 1, seed {args.seed}",
        "classifier": "sklearn LogisticRegression(max_iter=5000) on the training split's pixels in [0, 1]",
        "heldout_real_accuracy": round(float(clf.score(pix01[ho], d["labels"][ho])), 4),
        "train_real_accuracy": round(float(clf.score(pix01[tr], d["labels"][tr])), 4),
        "samples_per_class": args.per_class,
        "guidance": {},
    }
    with torch.no_grad():
        recon = ae.decode(ae.encode(torch.from_numpy(d["images"][ho]))[0]).numpy()
    result["heldout_reconstruction_accuracy"] = round(float(clf.score(recon, d["labels"][ho])), 4)
    train_pm1 = torch.from_numpy(d["images"][tr])
    grid = None
    for w in args.guidance:
        g = torch.Generator().manual_seed(args.seed)
        labels = torch.arange(10).repeat_interleave(args.per_class)
        z = sample(model, labels, w, args.steps, g)
        with torch.no_grad():
            img = decoder(z.reshape(-1, 2, 4, 4)).reshape(-1, 64).numpy()
        pred = clf.predict(img)
        per_class = [round(float((pred[labels.numpy() == k] == k).mean()), 3) for k in range(10)]
        nearest = torch.cdist(torch.from_numpy(img * 2 - 1), train_pm1).min(dim=1).values
        result["guidance"][str(w)] = {
            "accuracy": round(float((pred == labels.numpy()).mean()), 4),
            "per_class": per_class,
            "median_nearest_training_distance": round(float(nearest.median()), 3),
        }
        if w == args.grid_guidance:
            grid = img.reshape(10, args.per_class, 64)[:, :10].reshape(100, 64)
    within = torch.cdist(train_pm1, train_pm1).fill_diagonal_(float("inf")).min(dim=1).values
    result["training_set_median_nearest_distance"] = round(float(within.median()), 3)
    if grid is not None:
        os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
        write_png(args.out, digits_grid(grid * 2.0 - 1.0, cols=10))
        result["grid"] = f"{args.out}: 10 x 10, row k = class k, guidance {args.grid_guidance}, the first 10 samples of each class"
    with open(args.json, "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
