"""Tidy tables: predictions -> one row per (article, actor, target) cell -> one row per (actor, target, period).

Net stance index of a cell group = (support - oppose) / (support + oppose + neutral), counted over the classified
instances (sentences) of its articles; its 95% CI comes from a bootstrap over articles, so an article with many
sentences does not count as many independent observations.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from stance.data.readers import DataError, iter_jsonl

PERIODS = {"day": "D", "month": "M", "quarter": "Q", "year": "Y"}
UNDATED = "undated"


def load_predictions(path: str | Path, errors: list | None = None) -> list[dict]:
    """Predict's JSONL: one file, or a folder of shards (*.jsonl, as the Ray engine writes them). Malformed lines
    are recorded in `errors` (file and line) and skipped."""
    errors = [] if errors is None else errors
    path = Path(path)
    files = sorted(path.glob("**/*.jsonl")) if path.is_dir() else [path]
    if not files:
        raise DataError(path, None, "no .jsonl prediction files found")
    records = []
    for f in files:
        for lineno, rec in iter_jsonl(f, skip_bad=True, errors=errors):
            if not isinstance(rec.get("cells"), list) or "id" not in rec:
                errors.append(DataError(f, lineno, "not a prediction record (needs 'id' and a 'cells' list)"))
                continue
            records.append(rec)
    return records


def cells_frame(records: Iterable[dict]) -> pd.DataFrame:
    """One row per (article, actor, target) cell with its instance counts and best evidence."""
    rows = []
    for rec in records:
        for c in rec["cells"]:
            counts = c.get("stance_counts", {})
            best = c["evidence"][0] if c.get("evidence") else {}
            rows.append(
                {
                    "article": rec["id"],
                    "date": rec.get("date") or "",
                    "actor": c["actor"],
                    "target": c["target"],
                    "stance": c.get("stance"),
                    "probability": c.get("stance_probability"),
                    "sentiment": c.get("sentiment"),
                    "instances": c["instances"],
                    "support": counts.get("support", 0),
                    "oppose": counts.get("oppose", 0),
                    "neutral": counts.get("neutral", 0),
                    "evidence": best.get("text", ""),
                    "evidence_probability": best.get("probability"),
                }
            )
    cols = [
        "article",
        "date",
        "actor",
        "target",
        "stance",
        "probability",
        "sentiment",
        "instances",
        "support",
        "oppose",
        "neutral",
        "evidence",
        "evidence_probability",
    ]
    return pd.DataFrame(rows, columns=cols)


PRECISION = {"day": 10, "month": 7, "quarter": 7, "year": 4}


def period_of(date: str, period: str) -> str:
    """The period label of a date; dates too coarse for the period (a bare year for `month`) count as undated."""
    if period not in PERIODS:
        raise ValueError(f"period={period!r} not supported; choose one of {', '.join(PERIODS)}")
    if len(date or "") < PRECISION[period]:
        return UNDATED
    return str(pd.Period(date[: PRECISION[period]], freq=PERIODS[period]))


def net_index(s: np.ndarray, o: np.ndarray, n: np.ndarray) -> float:
    total = s.sum() + o.sum() + n.sum()
    return float((s.sum() - o.sum()) / total) if total else float("nan")


def bootstrap_index_ci(s, o, n, n_boot: int = 1000, seed: int = 0) -> tuple[float, float]:
    """95% CI of the net index, resampling articles."""
    s, o, n = (np.asarray(x, dtype=float) for x in (s, o, n))
    if len(s) < 2:
        value = net_index(s, o, n)
        return value, value
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(s), (n_boot, len(s)))
    ss, oo, nn = s[idx].sum(1), o[idx].sum(1), n[idx].sum(1)
    total = ss + oo + nn
    values = np.where(total > 0, (ss - oo) / np.maximum(total, 1e-12), np.nan)
    lo, hi = np.nanpercentile(values, [2.5, 97.5])
    return float(lo), float(hi)


def aggregate_table(cells: pd.DataFrame, period: str = "year", n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """One row per (actor, target, period), plus period="all" rows for the whole corpus."""
    cells = cells.assign(period=[period_of(d, period) for d in cells["date"]])
    out = []
    for scope in ("all", "period"):
        keys = ["actor", "target"] + (["period"] if scope == "period" else [])
        for key, g in cells.groupby(keys, sort=True):
            key = key if isinstance(key, tuple) else (key,)
            lo, hi = bootstrap_index_ci(g["support"], g["oppose"], g["neutral"], n_boot, seed)
            out.append(
                {
                    "actor": key[0],
                    "target": key[1],
                    "period": key[2] if scope == "period" else "all",
                    "articles": int(g["article"].nunique()),
                    "instances": int(g["instances"].sum()),
                    "support": int(g["support"].sum()),
                    "oppose": int(g["oppose"].sum()),
                    "neutral": int(g["neutral"].sum()),
                    "uncertain_cells": int((g["stance"] == "uncertain").sum()),
                    "net_index": net_index(g["support"].values, g["oppose"].values, g["neutral"].values),
                    "ci_low": lo,
                    "ci_high": hi,
                    "mean_confidence": float(g["probability"].mean()),
                }
            )
    return pd.DataFrame(out)


def report_errors(errors: list) -> None:
    for err in errors:
        print(f"skipped: {err}", file=sys.stderr)
