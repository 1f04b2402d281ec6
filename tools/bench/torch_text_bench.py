#!/usr/bin/python3
"""PyTorch CPU twin of the model-text Transformer, for side-by-side timing with text-bench.ts only.

Token + position embeddings (d_model), `layers` pre-norm encoder blocks (nn.TransformerEncoderLayer,
norm_first, GELU, batch_first), padding-masked mean pooling -> dense 64 (ReLU) -> dense 1; Adam, MSE.
Batches of `batch` songs, `width` tokens each (the mean width of hitcast's length-grouped batches), a random
share of padding. Prints one JSON line:
{"train_samples_per_s": ..., "infer_samples_per_s": ..., "threads": 2, "parameters": ...}

Usage: /usr/bin/python3 tools/bench/torch_text_bench.py --vocab 8000 --width 13 --batch 128 --steps 20 --threads 2
(Debian's python3-torch; never a runtime dependency of hitcast.)
"""
import argparse
import json
import time

import torch
from torch import nn


class TextModel(nn.Module):
    def __init__(self, vocab: int, max_length: int, d: int, heads: int, layers: int, ff: int, dropout: float):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d)
        self.positions = nn.Embedding(max_length, d)
        block = nn.TransformerEncoderLayer(d, heads, ff, dropout, activation='gelu', batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(block, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.features = nn.Linear(d, 64)
        self.out = nn.Linear(64, 1)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        pad = ids == 0
        x = self.tokens(ids) + self.positions(torch.arange(ids.shape[1]))[None]
        x = self.norm(self.encoder(x, src_key_padding_mask=pad))
        keep = (~pad).unsqueeze(-1).float()
        pooled = (x * keep).sum(1) / keep.sum(1).clamp(min=1)
        return self.out(torch.relu(self.features(pooled)))


def main() -> None:
    p = argparse.ArgumentParser()
    for name, default in [('vocab', 8000), ('width', 13), ('batch', 128), ('steps', 20), ('threads', 2), ('d', 64), ('heads', 4), ('layers', 2), ('ff', 128)]:
        p.add_argument(f'--{name}', type=int, default=default)
    p.add_argument('--dropout', type=float, default=0.1)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    model = TextModel(a.vocab, max(a.width, 32), a.d, a.heads, a.layers, a.ff, a.dropout)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(1)

    def batch():
        ids = torch.randint(4, a.vocab, (a.batch, a.width), generator=g)
        lengths = torch.randint(max(2, a.width // 2), a.width + 1, (a.batch,), generator=g)
        ids[torch.arange(a.width)[None, :] >= lengths[:, None]] = 0
        return ids, torch.rand(a.batch, 1, generator=g)

    def step():
        ids, y = batch()
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(ids), y)
        loss.backward()
        optimizer.step()

    model.train()
    step()
    started = time.perf_counter()
    for _ in range(a.steps):
        step()
    train = a.steps * a.batch / (time.perf_counter() - started)
    model.eval()
    with torch.no_grad():
        model(batch()[0])
        started = time.perf_counter()
        for _ in range(a.steps):
            model(batch()[0])
        infer = a.steps * a.batch / (time.perf_counter() - started)
    print(json.dumps({'train_samples_per_s': train, 'infer_samples_per_s': infer, 'threads': a.threads, 'parameters': sum(p.numel() for p in model.parameters())}))


if __name__ == '__main__':
    main()
