"""Step 5b: a learned filter over candidate pairs.

The lexicon and attribution over-generate on purpose (every actor x every target named nearby); most such pairs
say nothing about the actor's position toward the target. A logistic regression over the mention-masked
sentence and where the actor and target came from (named, speaker, pronoun, previous sentence, ...) keeps the
pairs that look like codebook instances. It is trained on articles with gold instances (by default the "tune"
half of the news set), its threshold picked on grouped out-of-fold predictions, and saved without pickle.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, cross_val_predict
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from stance.encoding import masked_text
from stance.models.baselines import SKOPS_TRUSTED
from stance.models.checkpoint import save_folder, verify_folder

META = "pair_filter.json"
CORE = ("GNA", "LNA", "UN", "LBY")


def _gap(row: dict) -> str:
    if row["actor_start"] < 0 or row["target_start"] < 0:
        return "implicit"
    gap = abs(row["actor_start"] - row["target_start"])
    return "near" if gap < 40 else "mid" if gap < 120 else "far"


def features(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": [masked_text(r) for r in rows],
            "actor_kind": [r["actor"] if r["actor"] in CORE else "STATE_OR_ORG" for r in rows],
            "target": [r["target"] for r in rows],
            "actor_source": [r["actor_source"] for r in rows],
            "target_source": [r["target_source"] for r in rows],
            "gap": [_gap(r) for r in rows],
            "pair": [f"{r['actor'] if r['actor'] in CORE else 'X'}>{r['target']}" for r in rows],
        }
    )


def _pipeline(seed: int) -> Pipeline:
    cats = ["actor_kind", "target", "actor_source", "target_source", "gap", "pair"]
    cols = ColumnTransformer(
        [
            ("word", TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True), "text"),
            ("cats", OneHotEncoder(handle_unknown="ignore"), cats),
        ]
    )
    return Pipeline(
        [
            ("features", cols),
            ("clf", LogisticRegression(C=0.3, class_weight="balanced", max_iter=3000, random_state=seed)),
        ]
    )


class PairFilter:
    def __init__(self, pipeline: Pipeline, threshold: float, info: dict):
        self.pipeline, self.threshold, self.info = pipeline, threshold, info

    def scores(self, rows: list[dict]) -> np.ndarray:
        return self.pipeline.predict_proba(features(rows))[:, 1] if rows else np.zeros(0)

    def select(self, rows: list[dict]) -> list[dict]:
        keep = self.scores(rows) >= self.threshold
        return [r for r, k in zip(rows, keep) if k]

    @classmethod
    def fit(cls, rows: list[dict], labels: list[bool], groups: list[str], seed: int = 0) -> PairFilter:
        X, y = features(rows), np.array(labels, dtype=int)
        folds = min(5, len(set(groups)))
        oof = cross_val_predict(_pipeline(seed), X, y, groups=groups, cv=GroupKFold(folds), method="predict_proba")[
            :, 1
        ]
        best = max(np.linspace(0.1, 0.9, 33), key=lambda t: _f1(oof >= t, y))
        pipe = _pipeline(seed).fit(X, y)
        info = {
            "threshold": float(best),
            "candidates": len(rows),
            "positives": int(y.sum()),
            "oof_at_threshold": _prf(oof >= best, y),
        }
        return cls(pipe, float(best), info)

    def save(self, folder: str | Path) -> Path:
        import skops.io as sio

        return save_folder(
            folder,
            lambda tmp: sio.dump(self.pipeline, tmp / "filter.skops"),
            META,
            {**self.info, "threshold": self.threshold},
        )

    @classmethod
    def load(cls, folder: str | Path) -> PairFilter:
        import skops.io as sio

        folder = Path(folder)
        meta = verify_folder(folder, META)
        untrusted = [t for t in sio.get_untrusted_types(file=folder / "filter.skops") if t not in SKOPS_TRUSTED]
        if untrusted:
            raise ValueError(f"{folder}: refuses to load types outside the trusted list: {untrusted}")
        return cls(sio.load(folder / "filter.skops", trusted=SKOPS_TRUSTED), meta["threshold"], meta)


def _prf(pred: np.ndarray, y: np.ndarray) -> dict:
    tp = int((pred & (y == 1)).sum())
    p = tp / pred.sum() if pred.sum() else 0.0
    r = tp / y.sum() if y.sum() else 0.0
    return {"precision": float(p), "recall": float(r), "f1": float(2 * p * r / (p + r)) if p + r else 0.0}


def _f1(pred: np.ndarray, y: np.ndarray) -> float:
    return _prf(pred, y)["f1"]


def run_train_pair_filter(cfg, out_dir: str | Path) -> dict:
    """Collect candidates (with context targets) from articles with gold instances, label them, fit, save."""
    from hydra.utils import to_absolute_path

    from stance.data.readers import read_articles
    from stance.lexicon import Lexicon
    from stance.pipeline.candidates import article_candidates
    from stance.pipeline.end_to_end import article_half, gold_by_doc, gold_spans, is_instance

    by_doc = gold_by_doc(to_absolute_path(cfg.data.gold_instances))
    lexicon = Lexicon.load(to_absolute_path(cfg.lexicon))
    rows, labels, groups = [], [], []
    for article in read_articles(to_absolute_path(cfg.data.path)):
        doc = article["id"]
        if doc not in by_doc or (cfg.data.subset and article_half(doc) != cfg.data.subset):
            continue
        article["date"] = article.get("date") or by_doc[doc][0]["date"]
        spans = gold_spans(article["text"], by_doc[doc])
        _, cands = article_candidates(article, lexicon, context_targets=True)
        rows += cands
        labels += [is_instance(r, spans) for r in cands]
        groups += [doc] * len(cands)
    if not rows or not any(labels) or all(labels):
        raise ValueError(f"{cfg.data.name}: need candidates with and without gold instances to train a filter")
    filt = PairFilter.fit(rows, labels, groups, cfg.seed)
    filt.save(Path(out_dir) / "pair_filter")
    print(json.dumps(filt.info))
    return filt.info
