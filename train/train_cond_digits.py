"""Reproduces the whole conditional digits pipeline (models/digits-cond/) in one command.

    /usr/bin/python3 train/train_cond_digits.py        (or: npm run train:digits-cond)

Runs, from the repository root, each step in its own interpreter (as one would by hand):
  1. cond_data.py split      -> models/digits-cond/split.json (seeded stratified 20% held-out split)
  2. cond_autoencoder.py     -> .cache/digits-cond/autoencoder.pt
  3. cond_denoiser.py        -> .cache/digits-cond/denoiser.pt
  4. cond_export.py          -> models/digits-cond/{encoder,denoiser,denoiser-labels,decoder}.onnx, reference.json,
                                scheduler_config.json, prompts.json; deploy/triton/digits-cond-*/1/model.onnx
  5. cond_sample_check.py    -> docs/digits-cond.png, models/digits-cond/sample_check.json
About 7-10 minutes on a shared 2-core CPU (one thread per step). Extra arguments are not passed on: run a step
by hand to change its options.
"""
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = [
    ["-c", "import sys; sys.path.insert(0, 'train'); import cond_data; cond_data.write_split()"],
    [os.path.join(HERE, "cond_autoencoder.py")],
    [os.path.join(HERE, "cond_denoiser.py")],
    [os.path.join(HERE, "cond_export.py")],
    [os.path.join(HERE, "cond_sample_check.py")],
]


def main() -> None:
    started = time.time()
    for step in STEPS:
        t = time.time()
        print(f"== {' '.join(os.path.relpath(a) if a.endswith('.py') else a for a in step)}", flush=True)
        subprocess.run([sys.executable, *step], check=True)
        print(f"== done in {time.time() - t:.0f} s", flush=True)
    print(f"== all done in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
