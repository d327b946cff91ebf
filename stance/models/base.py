"""The contract every model family follows, and the factory that picks one from `model.kind`."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

import numpy as np
from datasets import Dataset

from stance.labels import label_maps


class Intermediate(list):
    """The (name, Dataset) transfer sets of a run. Intermediate training does not depend on the main data's fold,
    so the trained weights are kept here and reused by every later fold of the same run (same seed, same heads)."""

    def __init__(self, sets=()):
        super().__init__(sets)
        self.trained: dict[tuple, dict] = {}


class StanceModel(ABC):
    """Predicts, for each head of a task (stance, sentiment), a probability per label of that head."""

    kind: str

    def __init__(self, task: str, cfg=None):
        self.task = task
        self.labels = label_maps(task)  # head -> label list; saved with the checkpoint and checked on load
        self.cfg = cfg

    @abstractmethod
    def fit(
        self,
        train: Dataset,
        dev: Dataset | None,
        trainer_cfg,
        seed: int,
        logger=None,
        intermediate: tuple = (),
        state_dir: Path | None = None,
    ) -> None:
        """`intermediate`: (name, Dataset) pairs to train on first (transfer; an `Intermediate` keeps the trained
        weights for the run's later folds); `state_dir`: where an iterative
        trainer keeps its per-epoch state to resume from. Families that cannot use them ignore them."""

    @abstractmethod
    def predict_proba(self, rows: list[dict], batch_size: int = 64) -> dict[str, np.ndarray]:
        """{head: (len(rows), n_labels) array}, columns in `self.labels[head]` order."""

    @abstractmethod
    def save_files(self, folder: Path) -> None: ...

    @classmethod
    @abstractmethod
    def load_files(cls, folder: Path, meta: dict) -> StanceModel: ...


def head_rows(ds: Dataset, head: str) -> Dataset:
    """The rows that carry a label for `head`."""
    return ds.filter(lambda lab: lab is not None, input_columns=[head])


def model_class(kind: str) -> type[StanceModel]:
    """The class behind `model.kind`; transformer code is imported only when asked for."""
    if kind in ("majority", "tfidf_lr"):
        from stance.models.baselines import MajorityModel, TfidfLRModel

        return MajorityModel if kind == "majority" else TfidfLRModel
    if kind == "finetune":
        from stance.models.transformer import FineTunedModel

        return FineTunedModel
    if kind == "frozen_lr":
        from stance.models.frozen import FrozenLRModel

        return FrozenLRModel
    raise ValueError(f"model.kind={kind!r} unknown; choose majority, tfidf_lr, finetune or frozen_lr")


def build_model(model_cfg, task: str) -> StanceModel:
    return model_class(model_cfg.kind)(task, model_cfg)
