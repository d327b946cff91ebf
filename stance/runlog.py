"""Run-folder bookkeeping: seeding, the per-epoch log, and data fingerprints for checkpoints."""

from __future__ import annotations

import hashlib
import json
import random
from pathlib import Path

import numpy as np


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    try:
        import torch

        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True, warn_only=True)
    except ImportError:  # pragma: no cover - torch is a dependency, kept optional for sklearn-only use
        pass


class RunLogger:
    """Appends one JSON record per epoch/fold to `train_log.jsonl` (logger=jsonl) and echoes it to stdout."""

    def __init__(self, run_dir: Path | None, name: str = "jsonl", progress: bool = True):
        self.path = run_dir / "train_log.jsonl" if run_dir is not None and name == "jsonl" else None
        self.progress = progress

    def log(self, record: dict) -> None:
        if self.path is not None:
            with self.path.open("a", encoding="utf-8") as fh:
                fh.write(json.dumps(record) + "\n")
        print("  " + " ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in record.items()))


def data_fingerprint(ds) -> str:
    """sha256 over the rows that were trained on (ids, texts, labels), independent of file layout."""
    digest = hashlib.sha256()
    for row in ds:
        digest.update(
            json.dumps([row["id"], row["text"], row["actor"], row["target"], row["stance"], row["sentiment"]]).encode()
        )
    return digest.hexdigest()
