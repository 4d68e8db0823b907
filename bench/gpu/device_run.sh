#!/usr/bin/env bash
# The one prepared GPU session of issue 13: the cost curves (bench/gpu/cost_curves.py), then
# patches-32 trained on CUDA (train/train_patches_device.py) from the patches carried in .cache/patches.
# Everything it writes goes under $OUT; each part is time-boxed so the session ends inside its limit.
set -u
OUT=${OUT:-/tmp/device-out}
mkdir -p "$OUT"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv > "$OUT/nvidia-smi.txt" 2>&1
python3 -c "import torch, numpy; print('torch', torch.__version__, 'cuda', torch.version.cuda, 'numpy', numpy.__version__)" 2>&1 | tee "$OUT/versions.txt"
timeout 170 python3 bench/gpu/cost_curves.py --out "$OUT/gpu" --budget-s 120 --iters 10 2>&1 | tee "$OUT/cost_curves.log" | tail -40
timeout 390 python3 train/train_patches_device.py --device cuda --minutes 5.3 --batch 128 --threads 8 --eval-passes 2 \
  --log-every 1000 --checkpoint-minutes 100 --state /tmp/patches-state.pt --checkpoint "$OUT/patches-ema.pt" 2>&1 | tee "$OUT/train.log" | tail -30
ls -la "$OUT" "$OUT/gpu"
