"""Grouped splits: a document (`doc_id`) and its near-duplicate reports (`group`) never straddle a split."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from datasets import Dataset
from sklearn.model_selection import GroupShuffleSplit, LeaveOneGroupOut, StratifiedGroupKFold


def groups_of(ds: Dataset) -> np.ndarray:
    """One group id per row: `group` where set, else `doc_id`."""
    return np.array([g or d for g, d in zip(ds["group"], ds["doc_id"])])


def _strata(ds: Dataset, label_field: str) -> np.ndarray:
    return np.array([v or "" for v in ds[label_field]])


def grouped_kfold(ds: Dataset, k: int, seed: int, label_field: str) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """k folds over groups, stratified on the label as far as groups allow."""
    groups = groups_of(ds)
    n_groups = len(set(groups))
    if n_groups < k:
        raise ValueError(f"cv={k} needs at least {k} groups (documents); the data has {n_groups}")
    splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
    yield from splitter.split(np.zeros(len(ds)), _strata(ds, label_field), groups)


def leave_one_group_out(ds: Dataset) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    groups = groups_of(ds)
    if len(set(groups)) < 2:
        raise ValueError("leave-one-group-out needs at least 2 groups")
    yield from LeaveOneGroupOut().split(np.zeros(len(ds)), groups=groups)


def grouped_dev_split(ds: Dataset, dev_fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Hold out about `dev_fraction` of the groups (at least one) as a dev set."""
    groups = groups_of(ds)
    if len(set(groups)) < 2:
        raise ValueError("a grouped dev split needs at least 2 groups (documents)")
    splitter = GroupShuffleSplit(n_splits=1, test_size=dev_fraction, random_state=seed)
    train_idx, dev_idx = next(splitter.split(np.zeros(len(ds)), groups=groups))
    return train_idx, dev_idx


def iter_folds(ds: Dataset, cv: int | str, seed: int, label_field: str):
    """`cv` = k (grouped k-fold) or "logo" (leave one group out)."""
    if cv == "logo":
        return leave_one_group_out(ds)
    return grouped_kfold(ds, int(cv), seed, label_field)
