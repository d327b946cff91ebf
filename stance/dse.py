"""DSE's own measure: the two directed stance predictions of a sentence (p->q, q->p) combined into the paper's
five classes (0 neutral, 1 p positive toward q, 2 q toward p positive, 3 p negative toward q, 4 q toward p
negative), scored by 5-class macro-F1 (Park, Pan & Joo 2021; their RoBERTa-base: 67.7 on test)."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from stance.metrics import classification_metrics

FIVE = ["0", "1", "2", "3", "4"]
# (p->q stance, q->p stance) of each class; the scheme has no class for two non-neutral directions
DIRECTED = {
    ("neutral", "neutral"): "0",
    ("support", "neutral"): "1",
    ("neutral", "support"): "2",
    ("oppose", "neutral"): "3",
    ("neutral", "oppose"): "4",
}


def five_class(rows: list[dict], proba: np.ndarray, labels: list[str]) -> tuple[list[str], np.ndarray, list[str]]:
    """Gold classes, (sentences, 5) probabilities and sentence ids. A class's score is the product of its two
    directions' probabilities (the directions predicted independently), renormalised over the five classes."""
    by_sentence: dict[str, dict[str, int]] = defaultdict(dict)
    for i, r in enumerate(rows):
        by_sentence[r["doc_id"]][r["actor"]] = i
    col = {lab: labels.index(lab) for lab in ("support", "oppose", "neutral")}
    gold, scores, ids = [], [], []
    for sid, pair in by_sentence.items():
        if set(pair) != {"ENTP", "ENTQ"}:
            raise ValueError(f"{sid}: a DSE sentence needs both directed instances (ENTP->ENTQ and ENTQ->ENTP)")
        pq, qp = rows[pair["ENTP"]], rows[pair["ENTQ"]]
        gold.append(DIRECTED[(pq["stance"], qp["stance"])])
        a, b = proba[pair["ENTP"]], proba[pair["ENTQ"]]
        s = np.array([a[col[x]] * b[col[y]] for (x, y) in DIRECTED])
        scores.append(s / s.sum())
        ids.append(sid)
    return gold, np.array(scores), ids


def five_class_metrics(rows: list[dict], proba: np.ndarray, labels: list[str], seed: int = 0) -> dict:
    gold, scores, ids = five_class(rows, proba, labels)
    return classification_metrics(gold, scores, FIVE, groups=ids, seed=seed)
