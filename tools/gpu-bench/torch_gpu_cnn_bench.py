#!/usr/bin/env python3
"""PyTorch on the GPU (CUDA) twin of tools/gpu-bench/gpu-bench.ts: the same two CNNs, training only.

  study: the study's CNN as hitcast trains it (grouped convolutions; tools/bench/torch_grouped_cnn_bench.py)
  bench: the benchmark CNN of packages/core/bench (tools/bench/torch_cnn_bench.py)

Batch 8 (by default), Adam, MSE; ms per sample, median of --steps steps after --warmup, each step ended by
torch.cuda.synchronize(). Prints one JSON line per (model, size), or one {"skipped": why} line when torch
or CUDA is missing. Never a runtime dependency of hitcast.
"""
import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="128x512,256x1024")
    ap.add_argument("--models", default="study,bench")
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--batch", type=int, default=8)
    args = ap.parse_args()
    try:
        import torch
        from torch import nn
    except ImportError as error:
        print(json.dumps({"skipped": f"no torch for {sys.executable}: {error}"}), flush=True)
        return
    if not torch.cuda.is_available():
        print(json.dumps({"skipped": f"torch {torch.__version__} sees no CUDA device (CPU-only build, or no driver)"}), flush=True)
        return
    from torch_cnn_bench import bench_cnn
    from torch_grouped_cnn_bench import study_cnn

    device = torch.device("cuda")
    torch.backends.cudnn.benchmark = True
    torch.manual_seed(0)
    builders = {"study": lambda: study_cnn(True), "bench": bench_cnn}
    for name in args.models.split(","):
        for size in args.sizes.split(","):
            h, w = (int(v) for v in size.split("x"))
            model = builders[name]().to(device)
            model.train()
            opt = torch.optim.Adam(model.parameters(), lr=1e-3)
            x = torch.randn(args.batch, 1, h, w, device=device)
            y = torch.randn(args.batch, 1, device=device)
            times = []
            for i in range(args.warmup + args.steps):
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                opt.zero_grad()
                nn.functional.mse_loss(model(x), y).backward()
                opt.step()
                torch.cuda.synchronize()
                if i >= args.warmup:
                    times.append((time.perf_counter() - t0) * 1000 / args.batch)
            print(json.dumps({
                "model": name, "size": size, "batch": args.batch, "torch": torch.__version__,
                "device": torch.cuda.get_device_name(0),
                "train_ms_per_sample": round(statistics.median(times), 3),
                "range": [round(min(times), 3), round(max(times), 3)],
            }), flush=True)
            del model, opt, x, y
            torch.cuda.empty_cache()


if __name__ == "__main__":
    main()
