#!/usr/bin/python3
"""PyTorch CPU twin of packages/core/bench/bench-cnn.ts, for side-by-side timing only.

conv3x3 16 -> maxpool2 -> BN -> conv 32 -> pool -> BN -> conv 64 -> pool -> BN -> conv 64
-> global average pool -> dense 64 -> dropout -> dense 1 (ReLU after each conv and dense 64),
batch 8, Adam, MSE. Prints one JSON line per size:
{"size": "128x512", "train_ms_per_sample": ..., "infer_ms_per_sample": ..., "threads": 2}

Usage: /usr/bin/python3 tools/bench/torch_cnn_bench.py --sizes 64x256,128x512 --steps 8 --threads 2
(Debian's python3-torch; never a runtime dependency of hitcast.)
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn


def bench_cnn() -> nn.Module:
    layers, c_in = [], 1
    for c_out in (16, 32, 64):
        layers += [nn.Conv2d(c_in, c_out, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.BatchNorm2d(c_out, eps=1e-3)]
        c_in = c_out
    layers += [nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
               nn.Linear(64, 64), nn.ReLU(), nn.Dropout(0.5), nn.Linear(64, 1)]
    return nn.Sequential(*layers)


def median_ms(fn, warmup: int, steps: int) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(steps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="64x256,128x512")
    ap.add_argument("--steps", type=int, default=8)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--matmul", action="store_true", help="also print one thread's float32 matmul rate (1024^3)")
    args = ap.parse_args()
    if args.matmul:
        # The compute ceiling of one core, for comparison with wasm's (128-bit SIMD, no FMA).
        torch.set_num_threads(1)
        a, b = torch.randn(1024, 1024), torch.randn(1024, 1024)
        ms = median_ms(lambda: a @ b, 3, 15)
        print(json.dumps({"matmul_gflops_one_thread": round(2 * 1024 ** 3 / ms / 1e6, 1)}), flush=True)
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    for size in args.sizes.split(","):
        h, w = (int(v) for v in size.split("x"))
        model = bench_cnn()
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        x = torch.randn(args.batch, 1, h, w)
        y = torch.randn(args.batch, 1)

        def train():
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()

        model.train()
        train_ms = median_ms(train, args.warmup, args.steps)
        model.eval()
        with torch.no_grad():
            infer_ms = median_ms(lambda: model(x), args.warmup, args.steps)
        print(json.dumps({
            "size": size, "batch": args.batch, "threads": args.threads, "torch": torch.__version__,
            "train_ms_per_sample": round(train_ms / args.batch, 2),
            "infer_ms_per_sample": round(infer_ms / args.batch, 2),
        }), flush=True)


if __name__ == "__main__":
    main()
