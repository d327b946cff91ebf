"""Evaluation: macro-F1 (primary), accuracy, per-class P/R/F1, bootstrap CI, calibration, confusion matrix."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support


def _macro_f1_ids(t: np.ndarray, p: np.ndarray, k: int) -> float:
    cm = np.bincount(t * k + p, minlength=k * k).reshape(k, k)
    tp = np.diag(cm).astype(float)
    denom = cm.sum(0) + cm.sum(1)  # = 2tp + fp + fn
    present = denom > 0  # a class absent from gold and predictions is not a miss
    return float((2 * tp[present] / denom[present]).mean()) if present.any() else 0.0


def macro_f1(y_true: np.ndarray, y_pred: np.ndarray, labels: Sequence[str]) -> float:
    """Macro-F1 over the labels that occur in gold or predictions."""
    return _macro_f1_ids(_ids(y_true, labels), _ids(y_pred, labels), len(labels))


def _resamples(n_items: int, groups, n: int, seed: int):
    """`n` bootstrap index sets: whole documents (groups) resampled when given, else instances."""
    rng = np.random.default_rng(seed)
    if groups is not None:
        units, inverse = np.unique(np.asarray(groups), return_inverse=True)
        members = [np.flatnonzero(inverse == u) for u in range(len(units))]
    for _ in range(n):
        if groups is not None:
            yield np.concatenate([members[u] for u in rng.integers(0, len(units), len(units))])
        else:
            yield rng.integers(0, n_items, n_items)


def _ids(values, labels) -> np.ndarray:
    index = {lab: i for i, lab in enumerate(labels)}
    return np.array([index[v] for v in values], dtype=int)


def bootstrap_ci(
    y_true: np.ndarray,
    y_pred: np.ndarray,
    labels: Sequence[str],
    n: int = 1000,
    seed: int = 0,
    groups: np.ndarray | None = None,
) -> tuple[float, float]:
    """95% percentile CI of macro-F1, resampling documents (groups) when given, else instances."""
    t, p = _ids(y_true, labels), _ids(y_pred, labels)
    scores = [_macro_f1_ids(t[idx], p[idx], len(labels)) for idx in _resamples(len(t), groups, n, seed)]
    lo, hi = np.percentile(scores, [2.5, 97.5])
    return float(lo), float(hi)


def paired_difference(y_true, pred_a, pred_b, labels: Sequence[str], groups=None, n: int = 1000, seed: int = 0) -> dict:
    """Macro-F1 of A minus B on the same instances, with a 95% CI from the same document resamples for both."""
    t, a, b = _ids(y_true, labels), _ids(pred_a, labels), _ids(pred_b, labels)
    k = len(labels)
    diffs = [
        _macro_f1_ids(t[idx], a[idx], k) - _macro_f1_ids(t[idx], b[idx], k)
        for idx in _resamples(len(t), groups, n, seed)
    ]
    lo, hi = np.percentile(diffs, [2.5, 97.5])
    return {
        "a": _macro_f1_ids(t, a, k),
        "b": _macro_f1_ids(t, b, k),
        "difference": _macro_f1_ids(t, a, k) - _macro_f1_ids(t, b, k),
        "ci95": [float(lo), float(hi)],
        "n": len(t),
    }


def expected_calibration_error(proba: np.ndarray, y_true_idx: np.ndarray, bins: int = 10) -> float:
    conf, pred = proba.max(1), proba.argmax(1)
    edges = np.linspace(0, 1, bins + 1)
    ece = 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            ece += mask.mean() * abs((pred[mask] == y_true_idx[mask]).mean() - conf[mask].mean())
    return float(ece)


def classification_metrics(
    y_true: Sequence[str], proba: np.ndarray, labels: Sequence[str], groups: Sequence[str] | None = None, seed: int = 0
) -> dict:
    """All figures for one head. `proba` has one column per label, in `labels` order."""
    labels = list(labels)
    y_true = np.asarray(y_true)
    y_pred = np.asarray(labels)[proba.argmax(1)]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    lo, hi = bootstrap_ci(y_true, y_pred, labels, seed=seed, groups=None if groups is None else np.asarray(groups))
    return {
        "macro_f1": macro_f1(y_true, y_pred, labels),
        "macro_f1_ci95": [lo, hi],
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "n": int(len(y_true)),
        "ece": expected_calibration_error(proba, np.array([labels.index(y) for y in y_true])),
        "per_class": {
            lab: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
            for i, lab in enumerate(labels)
        },
        "labels": labels,
        "confusion": confusion_matrix(y_true, y_pred, labels=labels).tolist(),
    }


def summarize_folds(fold_metrics: list[dict]) -> dict:
    """Mean and std over folds (or seeds) of the scalar figures."""
    out = {}
    for key in ("macro_f1", "accuracy", "ece"):
        vals = np.array([m[key] for m in fold_metrics])
        out[key] = {"mean": float(vals.mean()), "std": float(vals.std(ddof=1)) if len(vals) > 1 else 0.0}
    out["n"] = int(sum(m["n"] for m in fold_metrics))
    return out


def format_table(metrics: dict, title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'label':<10}{'prec':>8}{'rec':>8}{'f1':>8}{'n':>7}")
    for lab, pc in metrics["per_class"].items():
        lines.append(f"{lab:<10}{pc['precision']:>8.3f}{pc['recall']:>8.3f}{pc['f1']:>8.3f}{pc['support']:>7}")
    lo, hi = metrics["macro_f1_ci95"]
    lines.append(
        f"macro-F1 {metrics['macro_f1']:.3f} [95% CI {lo:.3f}-{hi:.3f}]  accuracy {metrics['accuracy']:.3f}"
        f"  ECE {metrics['ece']:.3f}  n={metrics['n']}"
    )
    return "\n".join(lines)


def plot_confusion(metrics: dict, path: str | Path, title: str = "") -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cm, labels = np.array(metrics["confusion"]), metrics["labels"]
    fig, ax = plt.subplots(figsize=(3.6, 3.2))
    ax.imshow(cm, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=30)
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    for i in range(len(labels)):
        for j in range(len(labels)):
            ax.text(j, i, cm[i, j], ha="center", va="center", color="white" if cm[i, j] > cm.max() / 2 else "black")
    ax.set_title(title or f"macro-F1 {metrics['macro_f1']:.3f}", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def plot_reliability(proba: np.ndarray, y_true_idx: np.ndarray, path: str | Path, bins: int = 10) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    conf, correct = proba.max(1), proba.argmax(1) == y_true_idx
    edges = np.linspace(0, 1, bins + 1)
    mids, accs = [], []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (conf > lo) & (conf <= hi)
        if mask.any():
            mids.append(conf[mask].mean())
            accs.append(correct[mask].mean())
    fig, ax = plt.subplots(figsize=(3.4, 3.2))
    ax.plot([0, 1], [0, 1], ls="--", c="grey")
    ax.plot(mids, accs, marker="o")
    ax.set_xlabel("confidence")
    ax.set_ylabel("accuracy")
    ax.set_title(f"reliability (ECE {expected_calibration_error(proba, y_true_idx, bins):.3f})", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
