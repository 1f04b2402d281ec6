#!/usr/bin/python3
"""PyTorch CPU twin of packages/core/bench/grouped-cnn-bench.ts, for side-by-side timing only.

The study's CNN (packages/model-cnn/src/cnn.ts): three blocks of a wide-in-time convolution (3x7 with
16 filters, 5x7 with 32, 1x5 with 64; regular in block 1, and in blocks 2-3 either depthwise
("grouped", groups = input channels, multiplier 2) or full) + 1x1 convolution, batch norm, ReLU,
2x2 max-pooling, dropout 0.3; then global average pooling -> dense 64 -> batch norm -> ReLU ->
dropout -> dense 1. Batch 8, Adam, MSE. Both variants train alternately, one step each.
Prints one JSON line:
{"size": "128x512", "full_train_ms_per_sample": ..., "grouped_train_ms_per_sample": ..., "threads": 2}

Usage: /usr/bin/python3 tools/bench/torch_grouped_cnn_bench.py --size 128x512 --steps 6 --threads 2
(Debian's python3-torch; never a runtime dependency of hitcast.)
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

BLOCKS = [(16, (3, 7), False), (32, (5, 7), True), (64, (1, 5), True)]


def study_cnn(grouped: bool) -> nn.Module:
    layers, c_in = [], 1
    for c_out, (kh, kw), depthwise in BLOCKS:
        groups = c_in if grouped and depthwise else 1
        # 'same' padding for odd kernels, as tf.layers' padding: 'same'
        layers += [nn.Conv2d(c_in, c_out, (kh, kw), padding=(kh // 2, kw // 2), groups=groups),
                   nn.Conv2d(c_out, c_out, 1), nn.BatchNorm2d(c_out, eps=1e-3, momentum=0.1), nn.ReLU(),
                   nn.MaxPool2d(2), nn.Dropout(0.3)]
        c_in = c_out
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 64), nn.BatchNorm1d(64, eps=1e-3),
               nn.ReLU(), nn.Dropout(0.3), nn.Linear(64, 1)]
    return nn.Sequential(*layers)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="128x512")
    ap.add_argument("--steps", type=int, default=6)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    h, w = (int(v) for v in args.size.split("x"))
    x = torch.randn(args.batch, 1, h, w)
    y = torch.randn(args.batch, 1)
    variants = {}
    for name in ("full", "grouped"):
        model = study_cnn(name == "grouped")
        model.train()
        variants[name] = (model, torch.optim.Adam(model.parameters(), lr=1e-3), [])
    for i in range(args.warmup + args.steps):
        for model, opt, times in variants.values():
            t0 = time.perf_counter()
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(x), y)
            loss.backward()
            opt.step()
            if i >= args.warmup:
                times.append((time.perf_counter() - t0) * 1000 / args.batch)
    print(json.dumps({
        "size": args.size, "batch": args.batch, "threads": args.threads, "torch": torch.__version__,
        "full_train_ms_per_sample": round(statistics.median(variants["full"][2]), 2),
        "grouped_train_ms_per_sample": round(statistics.median(variants["grouped"][2]), 2),
    }), flush=True)


if __name__ == "__main__":
    main()
