"""End-to-end evaluation of predict on raw articles against gold instances.

- Candidate step: a gold (sentence, actor, target) instance is found when a candidate with the same actor and
  target lies on an overlapping span of the article (sentence splits may differ from the annotators');
  recall = found / gold instances, precision = candidates on a gold instance / candidates.
- With a pair filter, the candidates are widened and scored once; `filter_curve` gives candidate P/R had the
  filter kept every pair scoring >= t (the decision used is `PairFilter.threshold`), plotted to `filter_curve.png`.
- Tables: the gold cells are the majority stance of each article's gold instances (`stance.annotation.
  article_table`, the rule of seeds/article_gold.jsonl); cell P/R/F1 on which cells exist, and stance accuracy
  on the cells both tables have (`uncertain` counts as wrong).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from pathlib import Path

import numpy as np

from stance.annotation import article_table
from stance.data.readers import read_articles, read_instances
from stance.lexicon import Lexicon
from stance.pipeline.aggregate import aggregate
from stance.pipeline.candidates import article_candidates
from stance.pipeline.pair_filter import PairFilter, filter_folders


def article_half(doc_id: str) -> str:
    """The fixed split of articles used to develop the lexicon and attribution ("tune") and to report ("heldout")."""
    return "tune" if int(hashlib.sha256(doc_id.encode()).hexdigest(), 16) % 2 == 0 else "heldout"


def _prf(tp_p: int, n_pred: int, tp_r: int, n_gold: int) -> dict:
    p = tp_p / n_pred if n_pred else 0.0
    r = tp_r / n_gold if n_gold else 0.0
    return {
        "precision": p,
        "recall": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "predicted": n_pred,
        "gold": n_gold,
    }


def _overlaps(span, spans) -> bool:
    return any(span[0] < e and s < span[1] for s, e in spans)


def gold_spans(text: str, golds: list[dict]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(actor, target) -> spans of the article where a gold instance of that pair sits. A gold sentence not found
    in the article text gets the empty span (-1, -1): it counts as gold and can never be found."""
    spans = defaultdict(list)
    for g in golds:
        start = text.find(g["text"])
        spans[(g["actor"], g["target"])].append((start, start + len(g["text"])) if start >= 0 else (-1, -1))
    return spans


def is_instance(row: dict, spans: dict) -> bool:
    return _overlaps((row["start"], row["end"]), spans.get((row["actor"], row["target"]), ()))


def gold_by_doc(path: str) -> dict[str, list[dict]]:
    by_doc = defaultdict(list)
    for r in read_instances(path).to_list():
        by_doc[r["doc_id"]].append(r)
    return by_doc


THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]


def _curve(found_scores: list[float], cand_scores: list[tuple[float, bool]]) -> list[dict]:
    """Candidate precision and recall if the pair filter kept pairs scoring >= t, for each t in THRESHOLDS.
    `found_scores`: per gold instance, the best score among candidates on it (-1: no candidate)."""
    found, cand = np.array(found_scores), np.array(cand_scores, dtype=float).reshape(-1, 2)
    out = []
    for t in THRESHOLDS:
        kept = cand[:, 0] >= t
        out.append(
            {"threshold": t, **_prf(int(cand[kept, 1].sum()), int(kept.sum()), int((found >= t).sum()), len(found))}
        )
    return out


def plot_curve(curve: list[dict], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4.5, 4))
    ax.plot([c["recall"] for c in curve], [c["precision"] for c in curve], marker=".")
    for c in curve[1::4]:
        ax.annotate(f"{c['threshold']:.2f}", (c["recall"], c["precision"]), fontsize=7)
    ax.set(xlabel="candidate recall", ylabel="candidate precision", xlim=(0, 1), ylim=(0, 1), title=title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def evaluate_articles(model, cfg, run_dir: Path | None = None) -> dict:
    from hydra.utils import to_absolute_path

    by_doc = gold_by_doc(to_absolute_path(cfg.data.gold_instances))
    lexicon = Lexicon.load(to_absolute_path(cfg.lexicon))
    folders = filter_folders(cfg.pair_filter)
    pair_filter = PairFilter.load(folders) if folders else None
    subset = cfg.data.subset
    n_gold = n_found = n_cand = n_cand_hit = 0
    cell_pred = cell_gold = cell_shared = cell_right = 0
    found_scores, cand_scores = [], []  # for the filter's threshold curve
    for article in read_articles(to_absolute_path(cfg.data.path)):
        doc = article["id"]
        if doc not in by_doc or (subset and article_half(doc) != subset):
            continue
        golds = by_doc[doc]
        article["date"] = article.get("date") or golds[0]["date"]
        _, rows = article_candidates(article, lexicon, widen=pair_filter is not None)
        spans = gold_spans(article["text"], golds)
        if pair_filter is not None:
            scores = pair_filter.scores(rows, cfg.batch_size)
            cand_scores += [(float(sc), is_instance(r, spans)) for r, sc in zip(rows, scores)]
            for key, ss in spans.items():
                for s in ss:
                    on = [
                        sc
                        for r, sc in zip(rows, scores)
                        if (r["actor"], r["target"]) == key and _overlaps(s, [(r["start"], r["end"])])
                    ]
                    found_scores.append(max(on, default=-1.0))
            rows = [r for r, sc in zip(rows, scores) if sc >= pair_filter.threshold]
        cand_spans = defaultdict(list)
        for r in rows:
            cand_spans[(r["actor"], r["target"])].append((r["start"], r["end"]))
        n_gold += sum(len(v) for v in spans.values())
        n_found += sum(_overlaps(s, cand_spans[k]) for k, ss in spans.items() for s in ss)
        n_cand += len(rows)
        n_cand_hit += sum(is_instance(r, spans) for r in rows)
        proba = model.predict_proba(rows) if rows else {}
        cells = (
            {(c["actor"], c["target"]): c for c in aggregate(rows, proba, model.labels, cfg.threshold)} if rows else {}
        )
        gcells = {(c["actor"], c["target"]): c for c in article_table(golds)[0]["cells"]}
        cell_pred, cell_gold = cell_pred + len(cells), cell_gold + len(gcells)
        for key in cells.keys() & gcells.keys():
            cell_shared += 1
            cell_right += cells[key].get("stance") == gcells[key]["stance"]
    candidates = _prf(n_cand_hit, n_cand, n_found, n_gold)
    cells_prf = _prf(cell_shared, cell_pred, cell_shared, cell_gold)
    accuracy = cell_right / cell_shared if cell_shared else 0.0
    print(
        f"candidates: precision {candidates['precision']:.3f} recall {candidates['recall']:.3f} "
        f"F1 {candidates['f1']:.3f} ({n_found}/{n_gold} gold instances found, {n_cand} candidates)"
    )
    print(
        f"cells: precision {cells_prf['precision']:.3f} recall {cells_prf['recall']:.3f} F1 {cells_prf['f1']:.3f}; "
        f"stance accuracy on {cell_shared} shared cells {accuracy:.3f}"
    )
    summary = {
        "subset": subset or "all",
        "pair_filter": cfg.pair_filter if isinstance(cfg.pair_filter, str | None) else list(cfg.pair_filter),
        "candidates": candidates,
        "cells": cells_prf,
        "cell_stance_accuracy": accuracy,
        "macro_f1": cells_prf["f1"],
        "accuracy": accuracy,
        "n": cell_gold,
        "per_class": {},
    }
    if pair_filter is not None:
        summary["filter_curve"] = _curve(found_scores, cand_scores)
        if run_dir is not None:
            plot_curve(
                summary["filter_curve"], Path(run_dir) / "filter_curve.png", f"pair filter, {subset or 'all'} articles"
            )
    return summary
