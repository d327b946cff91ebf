"""Multi-process training under `torchrun` / `accelerate launch`: one process per device, rank 0 writes.

Without the launcher's environment (WORLD_SIZE unset or 1) every function here is a no-op, so the single-process
path is the same code.
"""

from __future__ import annotations

import os

import torch


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def rank() -> int:
    return int(os.environ.get("RANK", "0"))


def is_main() -> bool:
    """Only rank 0 writes run folders, checkpoints, logs and training state."""
    return rank() == 0


def setup() -> None:
    if world_size() > 1 and not torch.distributed.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        torch.distributed.init_process_group(backend)
        if torch.cuda.is_available():
            torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", "0")))


def wrap(net: torch.nn.Module) -> torch.nn.Module:
    """DistributedDataParallel around the network when several processes train together."""
    if world_size() > 1:
        setup()
        device_ids = [torch.cuda.current_device()] if torch.cuda.is_available() else None
        if torch.cuda.is_available():
            net.cuda()
        return torch.nn.parallel.DistributedDataParallel(net, device_ids=device_ids, find_unused_parameters=True)
    return net


def shard(order: list[int]) -> list[int]:
    """This process's share of an epoch's example order (every rank sees the same order, each a disjoint part)."""
    return order[rank() :: world_size()]


def barrier() -> None:
    if world_size() > 1 and torch.distributed.is_initialized():
        torch.distributed.barrier()
