"""Step 7: per article, one cell per (actor, target): probability-weighted vote, counts, sentiment, evidence."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

UNCERTAIN = "uncertain"


def aggregate(
    rows: list[dict],
    proba: dict[str, np.ndarray],
    labels: dict[str, list[str]],
    threshold: float,
    max_evidence: int = 5,
) -> list[dict]:
    """`rows` are one article's candidates, `proba` their per-head probabilities (same order); each cell keeps its
    `max_evidence` most confident sentences."""
    by_cell: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        by_cell[(r["actor"], r["target"])].append(i)
    cells = []
    for (actor, target), idx in sorted(by_cell.items()):
        cell = {"actor": actor, "target": target, "instances": len(idx)}
        for head, labs in labels.items():
            p = proba[head][idx]
            mean = p.mean(0)  # the probability-weighted vote, normalised
            best = int(mean.argmax())
            cell[head] = labs[best] if mean[best] >= threshold else UNCERTAIN
            cell[f"{head}_probability"] = round(float(mean[best]), 4)
            cell[f"{head}_counts"] = {lab: int((p.argmax(1) == j).sum()) for j, lab in enumerate(labs)}
        primary = next(iter(labels))
        order = sorted(idx, key=lambda i: -float(proba[primary][i].max()))
        cell["evidence"] = [
            {
                "sentence": rows[i]["sentence"],
                "start": rows[i]["start"],
                "end": rows[i]["end"],
                "text": rows[i]["text"],
                **{h: labels[h][int(proba[h][i].argmax())] for h in labels},
                "probability": round(float(proba[primary][i].max()), 4),
            }
            for i in order[:max_evidence]
        ]
        cells.append(cell)
    return cells
