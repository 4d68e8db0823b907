"""GPU cost curves: time one batched forward of the patches-32 UNet and of an SD 1.5-sized UNet at
rows in {1, 2, 4, ..., 128}, fp16 and fp32, and fit t(rows) = c0 + c1 * rows per (model, dtype).

Needs only PyTorch (with CUDA) and numpy; no diffusers, no network. Run from the repository root:
    python3 bench/gpu/cost_curves.py                 # writes to --out (default $OUT, else bench/results/gpu)
    python3 bench/gpu/cost_curves.py --smoke         # seconds on a CPU: tiny rows, small SD UNet, 1 iteration

Method: random weights (timing does not depend on their values), torch.inference_mode(), model in
eval mode and cast to the dtype (fp16: weights and inputs half; fp32: torch's defaults, i.e. TF32 off
for matmuls and on for cuDNN convolutions unless --tf32 / --no-tf32 says otherwise: both flags are
recorded). Per case: --warmup untimed forwards, then --iters timed forwards, each between CUDA
events (torch.cuda.synchronize + perf_counter on a CPU); the median is reported, with min and max.
Inputs: sample [rows, C, H, W] ~ N(0, 1), integer timesteps, and for SD a context [rows, 77, 768].
Order: patches-32 fp32, fp16; SD fp16; SD fp32 (128 rows last). An out-of-memory case is recorded as
skipped and the run goes on; cases still left when --budget-s runs out are recorded as skipped too.
Fit: ordinary least squares of the median ms on rows over the rows measured.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "train"))
sys.path.insert(0, HERE)

from patches_model import DEFAULT_CONFIG, build_model  # noqa: E402
from sd15_unet import HAS_SDPA, SD15_CONFIG, build_sd15  # noqa: E402

# The exported patches-32 architecture (train/train_patches.py ARCH); kept here so this script needs
# only patches_model.py (train_patches.py imports the data module, which needs skimage).
PATCHES_ARCH = {**DEFAULT_CONFIG, "channels": [32, 64, 128], "res_blocks": 1, "attention_levels": [2]}
SMOKE_SD = {"block_channels": [32, 64, 64, 64], "latent_size": 16}


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", flush=True)


def is_oom(e: BaseException) -> bool:
    oom = getattr(torch.cuda, "OutOfMemoryError", None)
    return (oom is not None and isinstance(e, oom)) or "out of memory" in str(e).lower()


def time_forward(fn, device: torch.device, warmup: int, iters: int) -> list[float]:
    """Milliseconds of each of `iters` calls of fn() after `warmup` untimed ones."""
    cuda = device.type == "cuda"
    for _ in range(warmup):
        fn()
    if cuda:
        torch.cuda.synchronize(device)
    out = []
    for _ in range(iters):
        if cuda:
            a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            a.record()
            fn()
            b.record()
            b.synchronize()
            out.append(a.elapsed_time(b))
        else:
            t0 = time.perf_counter()
            fn()
            out.append((time.perf_counter() - t0) * 1e3)
    return out


def fit_line(rows: list[int], ms: list[float]) -> dict | None:
    if len(rows) < 2:
        return None
    x, y = np.asarray(rows, dtype=float), np.asarray(ms, dtype=float)
    A = np.stack([np.ones_like(x), x], axis=1)
    (c0, c1), *_ = np.linalg.lstsq(A, y, rcond=None)
    pred = A @ np.array([c0, c1])
    rel = np.abs(pred - y) / y
    return {"c0_ms": round(float(c0), 4), "c1_ms_per_row": round(float(c1), 5),
            "max_rel_residual": round(float(rel.max()), 4), "rows_fitted": [int(r) for r in rows]}


def device_info(device: torch.device) -> dict:
    info = {"device": str(device), "torch": torch.__version__, "cuda": torch.version.cuda,
            "cudnn": torch.backends.cudnn.version() if torch.backends.cudnn.is_available() else None,
            "python": platform.python_version(), "numpy": np.__version__, "host": platform.node(),
            "sdpa": HAS_SDPA}
    if device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        info.update({"name": p.name, "capability": f"{p.major}.{p.minor}", "memory_gib": round(p.total_memory / 2**30, 1),
                     "multiprocessors": p.multi_processor_count,
                     "tf32_matmul": torch.backends.cuda.matmul.allow_tf32, "tf32_cudnn": torch.backends.cudnn.allow_tf32,
                     "cudnn_benchmark": torch.backends.cudnn.benchmark})
    else:
        info.update({"name": platform.processor() or "cpu", "threads": torch.get_num_threads()})
    return info


def build_on(builder, config, device):
    """Builds on the device directly where PyTorch allows it (>= 2.0), else on the CPU and moves it."""
    if device.type == "cuda" and hasattr(torch, "set_default_device"):
        with torch.device(device):
            return builder(config)
    return builder(config).to(device)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--out", default=os.environ.get("OUT") or os.path.join(ROOT, "bench", "results", "gpu"))
    p.add_argument("--smoke", action="store_true", help="CPU check: rows 1,2; small SD UNet at 16x16; 1 iteration")
    p.add_argument("--rows", default="1,2,4,8,16,32,64,128")
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--iters", type=int, default=12)
    p.add_argument("--budget-s", type=float, default=210.0, help="skip the cases left after this many seconds")
    p.add_argument("--models", default="patches-32,sd15")
    p.add_argument("--dtypes", default="fp32,fp16")
    tf = p.add_mutually_exclusive_group()
    tf.add_argument("--tf32", action="store_true", help="allow TF32 for fp32 matmuls and convolutions")
    tf.add_argument("--no-tf32", action="store_true", help="forbid TF32 for fp32 matmuls and convolutions")
    p.add_argument("--no-cudnn-benchmark", action="store_true")
    args = p.parse_args()

    start = time.perf_counter()
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if args.smoke:
        rows_set, args.warmup, args.iters = [1, 2], 0, 1
    else:
        rows_set = [int(r) for r in args.rows.split(",")]
        if device.type != "cuda":
            sys.exit("no CUDA device: the full run is for a GPU (use --smoke to check the script on a CPU)")
    if device.type == "cuda":
        if args.tf32 or args.no_tf32:
            torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = bool(args.tf32)
        torch.backends.cudnn.benchmark = not args.no_cudnn_benchmark
    os.makedirs(args.out, exist_ok=True)
    info = device_info(device)
    log(f"device {info['name']} | torch {info['torch']} cuda {info['cuda']} | sdpa {HAS_SDPA} | out {args.out}")

    sd_cfg = {**SD15_CONFIG, **(SMOKE_SD if args.smoke else {})}
    specs = {
        "patches-32": {"builder": build_model, "config": PATCHES_ARCH, "shape": [3, 32, 32], "context": None},
        "sd15": {"builder": build_sd15, "config": sd_cfg,
                 "shape": [sd_cfg["in_channels"], sd_cfg["latent_size"], sd_cfg["latent_size"]],
                 "context": [sd_cfg["context_tokens"], sd_cfg["context_dim"]]},
    }
    models = [m for m in args.models.split(",") if m]
    dtypes = [d for d in args.dtypes.split(",") if d]
    # patches-32 in every dtype, then SD fp16, then SD fp32 (its 128-row case is the last of the run).
    order = [(m, d) for m in models for d in (sorted(dtypes, key=lambda d: d != "fp32") if m != "sd15" else sorted(dtypes, key=lambda d: d != "fp16"))]
    results, params, fits = [], {}, {}
    for name, dname in order:
        spec = specs[name]
        dtype = {"fp32": torch.float32, "fp16": torch.float16}[dname]
        if device.type == "cpu" and dtype == torch.float16:
            log(f"{name} {dname}: skipped (fp16 convolutions need a GPU)")
            results.append({"model": name, "dtype": dname, "rows": None, "skipped": "fp16 on CPU"})
            continue
        t0 = time.perf_counter()
        try:
            model = build_on(spec["builder"], spec["config"], device).to(dtype).eval()
        except RuntimeError as e:
            if not is_oom(e):
                raise
            log(f"{name} {dname}: model does not fit ({e.__class__.__name__})")
            results.append({"model": name, "dtype": dname, "rows": None, "skipped": "out of memory building the model"})
            continue
        params[name] = sum(q.numel() for q in model.parameters())
        log(f"{name} {dname}: {params[name]:,} parameters, built in {time.perf_counter() - t0:.1f}s")
        measured = []
        for rows in rows_set:
            elapsed = time.perf_counter() - start
            if elapsed > args.budget_s:
                log(f"{name} {dname} rows {rows}: skipped (budget {args.budget_s:.0f}s spent)")
                results.append({"model": name, "dtype": dname, "rows": rows, "skipped": "time budget"})
                continue
            g = torch.Generator(device=device).manual_seed(rows)
            x = torch.randn([rows] + spec["shape"], generator=g, device=device).to(dtype)
            t = torch.randint(0, 1000, (rows,), generator=g, device=device)
            ctx = torch.randn([rows] + spec["context"], generator=g, device=device).to(dtype) if spec["context"] else None
            fn = (lambda: model(x, t, ctx)) if ctx is not None else (lambda: model(x, t))
            try:
                with torch.inference_mode():
                    y = fn()
                    finite = bool(torch.isfinite(y).all().item())
                    del y
                    ms = time_forward(fn, device, args.warmup, args.iters)
            except RuntimeError as e:
                if not is_oom(e):
                    raise
                log(f"{name} {dname} rows {rows}: out of memory, skipped")
                results.append({"model": name, "dtype": dname, "rows": rows, "skipped": "out of memory"})
                x = t = ctx = None
                if device.type == "cuda":
                    torch.cuda.empty_cache()
                continue
            med = statistics.median(ms)
            peak = None
            if device.type == "cuda":
                peak = round(torch.cuda.max_memory_allocated(device) / 2**30, 2)
                torch.cuda.reset_peak_memory_stats(device)
            r = {"model": name, "dtype": dname, "rows": rows, "median_ms": round(med, 4), "min_ms": round(min(ms), 4),
                 "max_ms": round(max(ms), 4), "iters": len(ms), "ms_per_row": round(med / rows, 4),
                 "output_finite": finite, "peak_gib": peak}
            results.append(r)
            measured.append((rows, med))
            log(f"{name} {dname} rows {rows:4d}: median {med:9.3f} ms  ({med / rows:8.3f} ms/row, {len(ms)} iters)")
        fits[f"{name}/{dname}"] = fit_line([m[0] for m in measured], [m[1] for m in measured])
        if fits[f"{name}/{dname}"]:
            f = fits[f"{name}/{dname}"]
            log(f"{name} {dname}: t(rows) = {f['c0_ms']:.3f} + {f['c1_ms_per_row']:.4f} * rows ms")
        del model
        if device.type == "cuda":
            torch.cuda.empty_cache()

    total = time.perf_counter() - start
    report = {
        "what": "one batched forward (inference) per call; median over iters after warmup; fit t(rows) = c0 + c1*rows (least squares)",
        "smoke": args.smoke, "device": info, "seconds_total": round(total, 1),
        "settings": {"warmup": args.warmup, "iters": args.iters, "rows": rows_set, "budget_s": args.budget_s},
        "models": {
            "patches-32": {"parameters": params.get("patches-32"), "config": PATCHES_ARCH, "input": "[rows, 3, 32, 32] + timestep [rows]"},
            "sd15": {"parameters": params.get("sd15"), "config": sd_cfg,
                     "input": f"[rows, 4, {sd_cfg['latent_size']}, {sd_cfg['latent_size']}] + timestep [rows] + context [rows, 77, {sd_cfg['context_dim']}]",
                     "note": "bench/gpu/sd15_unet.py: SD 1.5 UNet layer shapes, random weights"},
        },
        "fits": fits,
        "results": results,
    }
    stem = "cost_curves.smoke" if args.smoke else "cost_curves"
    with open(os.path.join(args.out, stem + ".json"), "w") as f:
        json.dump(report, f, indent=1)
        f.write("\n")
    with open(os.path.join(args.out, stem + ".md"), "w") as f:
        f.write(markdown(report, rows_set))
    log(f"done in {total:.1f}s: {os.path.join(args.out, stem + '.json')} and .md")


def markdown(rep: dict, rows_set: list[int]) -> str:
    d = rep["device"]
    lines = [
        "# GPU cost curves: one batched forward per call",
        "",
        f"Device: {d.get('name')} ({d.get('memory_gib', '?')} GiB, capability {d.get('capability', '-')}); "
        f"torch {d['torch']}, CUDA {d['cuda']}, cuDNN {d['cudnn']}; SDPA {d['sdpa']}; "
        f"TF32 matmul {d.get('tf32_matmul', '-')}, TF32 cuDNN {d.get('tf32_cudnn', '-')}, cudnn.benchmark {d.get('cudnn_benchmark', '-')}.",
        f"Median of {rep['settings']['iters']} timed forwards after {rep['settings']['warmup']} warm-up ones; "
        f"total run {rep['seconds_total']} s." + (" **Smoke run (CPU, reduced sizes): not a measurement.**" if rep["smoke"] else ""),
        "",
    ]
    for name, m in rep["models"].items():
        if m["parameters"]:
            lines.append(f"- `{name}`: {m['parameters']:,} parameters; input {m['input']}.")
    lines += ["", "Median milliseconds per call (skipped cases say why):", "",
              "| model | dtype | " + " | ".join(str(r) for r in rows_set) + " | c0 ms | c1 ms/row |",
              "|---|---|" + "---:|" * (len(rows_set) + 2)]
    keys = []
    for r in rep["results"]:
        if (r["model"], r["dtype"]) not in keys:
            keys.append((r["model"], r["dtype"]))
    for name, dt in keys:
        cells = []
        for rows in rows_set:
            hit = [r for r in rep["results"] if r["model"] == name and r["dtype"] == dt and r["rows"] in (rows, None)]
            cells.append(("%.3f" % hit[0]["median_ms"]) if hit and "median_ms" in hit[0] else (hit[0]["skipped"] if hit else ""))
        f = rep["fits"].get(f"{name}/{dt}")
        lines.append(f"| {name} | {dt} | " + " | ".join(cells) + " | "
                     + (f"{f['c0_ms']:.3f} | {f['c1_ms_per_row']:.4f} |" if f else "- | - |"))
    lines += ["", "Fit: t(rows) = c0 + c1 * rows, least squares over the measured rows "
              "(max relative residual in the JSON, `fits`).", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
