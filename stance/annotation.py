"""Inter-annotator agreement for two annotations of the same sentence units."""

from __future__ import annotations

import json
from pathlib import Path

from sklearn.metrics import cohen_kappa_score


def _load(path: str | Path) -> dict[tuple[str, str, str], dict]:
    recs = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(r["sid"], r["actor"], r["target"]): r for r in recs}


def agreement(path_a: str | Path, path_b: str | Path) -> dict:
    """Pair detection P/R/F1 (B against A as reference; F1 is symmetric) and Cohen's kappa of stance and of
    sentiment on the (sentence, actor, target) instances both annotators found."""
    a, b = _load(path_a), _load(path_b)
    both = sorted(set(a) & set(b))
    out = {
        "n_a": len(a),
        "n_b": len(b),
        "n_both": len(both),
        "pair_precision": len(both) / len(b) if b else 0.0,
        "pair_recall": len(both) / len(a) if a else 0.0,
    }
    p, r = out["pair_precision"], out["pair_recall"]
    out["pair_f1"] = 2 * p * r / (p + r) if p + r else 0.0
    for field in ("stance", "sentiment"):
        ya, yb = [a[k][field] for k in both], [b[k][field] for k in both]
        out[f"{field}_kappa"] = float(cohen_kappa_score(ya, yb)) if both else float("nan")
        out[f"{field}_raw_agreement"] = sum(x == y for x, y in zip(ya, yb)) / len(both) if both else float("nan")
    return out


SEED_GROUPS = {"000": "moscow-visit-2017-08", "001": "moscow-visit-2017-08", "002": "moscow-visit-2017-08"}
SEED_DATES = {"000": "2017-08", "001": "2017-08", "002": "2017-08", "003": "2020-12", "004": "2019-04"}


def adjudicate(path_a: str | Path, path_b: str | Path, decisions_path: str | Path) -> list[dict]:
    """Gold instances: agreed pairs (A's record), plus every disagreement settled by an explicit decision.
    A disagreement without a decision is an error, so no instance is settled silently."""
    a, b = _load(path_a), _load(path_b)
    decisions = {
        tuple(k.split("|")): v for k, v in json.loads(Path(decisions_path).read_text()).items() if not k.startswith("_")
    }
    gold = []
    for key in sorted(set(a) | set(b), key=lambda k: (k[0].split("-s")[0], int(k[0].rsplit("-s", 1)[1]), k[1:])):
        in_a, in_b = key in a, key in b
        disagree = in_a != in_b or (in_a and in_b and a[key]["stance"] != b[key]["stance"])
        decision = decisions.get(key)
        if disagree and decision is None:
            raise ValueError(f"{key}: annotators disagree and {decisions_path} has no decision")
        if decision and decision.get("keep") is False:
            continue
        rec = dict((a if decision is None or decision.get("from", "a") == "a" and in_a else b)[key])
        for field in ("stance", "sentiment"):
            if decision and field in decision:
                rec[field] = decision[field]
        prefix = rec["doc_id"][:3]
        rec["group"] = SEED_GROUPS.get(prefix, rec["doc_id"])
        rec["date"] = SEED_DATES[prefix]
        gold.append(rec)
    return gold


def article_table(instances: list[dict]) -> list[dict]:
    """Per article, the actor x target cells with the majority stance of their instances (ties -> neutral)."""
    from collections import Counter, defaultdict

    cells: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    dates = {}
    for r in instances:
        cells[r["doc_id"]][(r["actor"], r["target"])].append(r)
        dates[r["doc_id"]] = r.get("date", "")
    out = []
    for doc, table in sorted(cells.items()):
        rows = []
        for (actor, target), recs in sorted(table.items()):
            counts = Counter(r["stance"] for r in recs)
            top = counts.most_common()
            stance = top[0][0] if len(top) == 1 or top[0][1] > top[1][1] else "neutral"
            rows.append(
                {
                    "actor": actor,
                    "target": target,
                    "stance": stance,
                    "counts": dict(counts),
                    "instances": [r["id"] for r in recs],
                }
            )
        out.append({"doc_id": doc, "date": dates[doc], "cells": rows})
    return out
