"""Resumable training: the loop's state after each epoch, saved without pickle.

Weights (current and best), optimizer moments and the torch RNG go into safetensors; the scheduler's counters and
the loop's bookkeeping into JSON. The folder is replaced atomically, so a run killed mid-save resumes from the
previous epoch.
"""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import load_file, save_file

from stance.models.checkpoint import save_folder, verify_folder

META = "train_state.json"


def save_state(folder: Path, net, optim, sched, loop: dict, best_state: dict | None) -> None:
    tensors = {f"net.{k}": v.contiguous() for k, v in net.state_dict().items()}
    if best_state is not None:
        tensors.update({f"best.{k}": v.contiguous() for k, v in best_state.items()})
    optim_state = optim.state_dict()
    for idx, state in optim_state["state"].items():
        for name, value in state.items():
            tensors[f"optim.{idx}.{name}"] = torch.as_tensor(value).contiguous()
    tensors["rng"] = torch.get_rng_state()
    meta = {
        **loop,
        "param_groups": optim_state["param_groups"],
        "scheduler": {k: v for k, v in sched.state_dict().items() if k != "lr_lambdas"},
    }
    save_folder(folder, lambda tmp: save_file(tensors, str(tmp / "state.safetensors")), META, meta)


def load_state(folder: Path, net, optim, sched) -> tuple[dict, dict | None] | None:
    """Restore a saved state into net/optim/sched; returns (loop bookkeeping, best weights) or None if absent."""
    if not (folder / META).is_file():
        return None
    meta = verify_folder(folder, META)
    tensors = load_file(str(folder / "state.safetensors"))
    net.load_state_dict({k[4:]: v for k, v in tensors.items() if k.startswith("net.")})
    best = {k[5:]: v for k, v in tensors.items() if k.startswith("best.")} or None
    state: dict[int, dict] = {}
    for key, value in tensors.items():
        if key.startswith("optim."):
            _, idx, name = key.split(".", 2)
            state.setdefault(int(idx), {})[name] = value
    optim.load_state_dict({"state": state, "param_groups": meta.pop("param_groups")})
    sched.load_state_dict({**meta.pop("scheduler"), "lr_lambdas": [None] * len(optim.param_groups)})
    torch.set_rng_state(tensors["rng"])
    return meta, best
