"""The machine's limit and the model's cost, in the same FLOP units.

Peak: the best of a few timed GEMMs at the encoder's shape class (rows = tokens in a batch, the hidden -> FFN
projection), at the variant's precision: fp32 matmul, bf16 matmul, or the dynamically quantised int8 linear layer
the int8 variant runs. Model cost: the encoder's matmul FLOPs per sequence (projections, feed-forward and the two
attention products), counted from its config.
"""

from __future__ import annotations

import time
import warnings

import torch
from torch import nn


def encoder_flops(config, lengths) -> float:
    """Matmul FLOPs of one encoder pass over sequences of the given token lengths (2 FLOPs per multiply-add)."""
    h, inner, layers = config.hidden_size, config.intermediate_size, config.num_hidden_layers
    per_token = 2 * (4 * h * h + 2 * h * inner)  # Q, K, V, output projections; FFN up and down
    return float(sum(layers * (n * per_token + 4 * n * n * h) for n in lengths))  # + QK^T and AV


def _best_seconds(fn, repeats: int) -> float:
    fn()  # warm-up: allocation and kernel selection
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


@torch.inference_mode()
def _gemm_flops(precision: str, rows: int, k: int, n: int, repeats: int) -> float:
    torch.manual_seed(0)
    x = torch.randn(rows, k)
    if precision == "int8":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            layer = torch.ao.quantization.quantize_dynamic(nn.Sequential(nn.Linear(k, n)), {nn.Linear}, torch.qint8)
        seconds = _best_seconds(lambda: layer(x), repeats)
    else:
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        a, w = x.to(dtype), torch.randn(k, n).to(dtype)
        seconds = _best_seconds(lambda: a @ w, repeats)
    return 2.0 * rows * k * n / seconds


def peak_gemm_flops(precision: str, hidden: int = 384, inner: int = 1536, rows: int = 2048, repeats: int = 30) -> float:
    """FLOP/s of the best timed product at `precision` (fp32 | bf16 | int8) over the encoder's three GEMM shapes
    (hidden -> hidden, hidden -> inner, inner -> hidden) with `rows` tokens."""
    shapes = [(hidden, hidden), (hidden, inner), (inner, hidden)]
    return max(_gemm_flops(precision, rows, k, n, repeats) for k, n in shapes)
