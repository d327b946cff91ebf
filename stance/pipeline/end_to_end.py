"""End-to-end evaluation of predict on articles against gold instances and article tables.

Candidate step: recall = share of gold (sentence, actor, target) instances among the candidates, precision =
share of candidates that are gold instances. Tables: cell P/R/F1 on which (actor, target) cells exist, and
stance accuracy on the cells both have.
"""

from __future__ import annotations

import json
from pathlib import Path

from stance.data.readers import read_articles, read_instances
from stance.lexicon import Lexicon
from stance.pipeline.aggregate import aggregate
from stance.pipeline.candidates import article_candidates


def _prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0, "tp": tp, "predicted": n_pred,
            "gold": n_gold}


def evaluate_articles(model, cfg) -> dict:
    from hydra.utils import to_absolute_path

    gold_path = to_absolute_path(cfg.data.gold)
    tables = {t["doc_id"]: t for t in map(json.loads, Path(gold_path).read_text(encoding="utf-8").splitlines())}
    gold = read_instances(str(Path(gold_path).with_name("annotations.jsonl")))
    gold_keys = {(r["doc_id"], r["text"].strip(), r["actor"], r["target"]) for r in gold}
    lexicon = Lexicon.load(to_absolute_path(cfg.lexicon))
    cand_keys, cell_pred, cell_gold, cell_hits, cell_both = set(), set(), set(), 0, 0
    for article in read_articles(to_absolute_path(cfg.data.path)):
        if article["id"] not in tables:
            continue
        article["date"] = tables[article["id"]]["date"]
        _, rows = article_candidates(article, lexicon)
        cand_keys |= {(r["doc_id"], r["text"].strip(), r["actor"], r["target"]) for r in rows}
        proba = model.predict_proba(rows) if rows else {}
        cells = {(c["actor"], c["target"]): c for c in aggregate(rows, proba, model.labels, cfg.threshold)} if rows else {}
        gcells = {(c["actor"], c["target"]): c for c in tables[article["id"]]["cells"]}
        cell_pred |= {(article["id"], *k) for k in cells}
        cell_gold |= {(article["id"], *k) for k in gcells}
        for key in cells.keys() & gcells.keys():
            cell_both += 1
            cell_hits += cells[key].get("stance") == gcells[key]["stance"]
    candidates = _prf(len(cand_keys & gold_keys), len(cand_keys), len(gold_keys))
    cells_prf = _prf(len(cell_pred & cell_gold), len(cell_pred), len(cell_gold))
    summary = {"candidates": candidates, "cells": cells_prf,
               "cell_stance_accuracy": cell_hits / cell_both if cell_both else 0.0,
               "macro_f1": cells_prf["f1"], "accuracy": cell_hits / cell_both if cell_both else 0.0,
               "n": len(cell_gold), "per_class": {}}
    print(f"candidates: precision {candidates['precision']:.3f} recall {candidates['recall']:.3f} "
          f"F1 {candidates['f1']:.3f} ({candidates['tp']}/{candidates['gold']} gold instances found)")
    print(f"cells: precision {cells_prf['precision']:.3f} recall {cells_prf['recall']:.3f} F1 {cells_prf['f1']:.3f}; "
          f"stance accuracy on shared cells {summary['cell_stance_accuracy']:.3f} ({cell_both} cells)")
    return summary
