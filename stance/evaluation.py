"""Scoring a model on a labelled Dataset: per head, per source, with plots; shared by train and evaluate."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stance.metrics import classification_metrics, plot_confusion, plot_reliability


def score(
    model,
    ds,
    *,
    batch_size: int = 64,
    seed: int = 0,
    plots_dir: Path | None = None,
    prefix: str = "",
    proba: dict | None = None,
) -> dict:
    """{head: metrics (+ per_source when the data mixes sources)} for each head with gold labels in `ds`."""
    rows = ds.to_list()
    if proba is None:
        proba = model.predict_proba(rows, batch_size)
    out = {}
    for head, labels in model.labels.items():
        keep = np.array([i for i, r in enumerate(rows) if r.get(head) is not None], dtype=int)
        if not len(keep):
            continue
        gold = [rows[i][head] for i in keep]
        groups = [rows[i]["group"] or rows[i]["doc_id"] for i in keep]
        m = classification_metrics(gold, proba[head][keep], labels, groups=groups, seed=seed)
        sources = sorted({rows[i]["source"] for i in keep})
        if len(sources) > 1:
            m["per_source"] = {}
            for src in sources:
                sel = [j for j, i in enumerate(keep) if rows[i]["source"] == src]
                m["per_source"][src] = classification_metrics(
                    [gold[j] for j in sel], proba[head][keep][sel], labels, groups=[groups[j] for j in sel], seed=seed
                )
        if plots_dir is not None:
            plot_confusion(
                m, plots_dir / f"{prefix}confusion_{head}.png", f"{prefix}{head}: macro-F1 {m['macro_f1']:.3f}"
            )
            plot_reliability(
                proba[head][keep],
                np.array([labels.index(g) for g in gold]),
                plots_dir / f"{prefix}reliability_{head}.png",
            )
        if head == "stance" and sources == ["dse"]:
            from stance.dse import five_class_metrics

            m["dse_5class"] = five_class_metrics([rows[i] for i in keep], proba[head][keep], labels, seed=seed)
        out[head] = m
    if not out:
        raise ValueError(
            f"the data has no labels for this model's heads {list(model.labels)}: a {model.task} checkpoint cannot "
            f"be scored on it (choose a checkpoint trained for the data's task)"
        )
    return out


def headline(result: dict) -> dict:
    """The flat summary of the first head (the contract of evaluate's last stdout line), plus all heads."""
    head = next(iter(result))
    m = result[head]
    return {
        "head": head,
        "macro_f1": m["macro_f1"],
        "macro_f1_ci95": m["macro_f1_ci95"],
        "accuracy": m["accuracy"],
        "n": m["n"],
        "ece": m["ece"],
        "per_class": m["per_class"],
        "heads": {h: {k: r[k] for k in ("macro_f1", "accuracy", "n")} for h, r in result.items()},
    }
