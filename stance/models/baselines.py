"""Reference models: the majority class, and TF-IDF n-grams + actor/target ids + logistic regression."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from datasets import Dataset
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from stance.encoding import masked_text
from stance.models.base import StanceModel, head_rows

# Types a saved TF-IDF+LR pipeline may contain; skops refuses to load anything else.
SKOPS_TRUSTED = [
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "numpy.float64",
    "numpy.int64",
    "numpy.dtype",
    "builtins.str",
]


class MajorityModel(StanceModel):
    """Always predicts the training prior: the reference row of every table."""

    kind = "majority"

    def fit(
        self, train: Dataset, dev=None, trainer_cfg=None, seed: int = 0, logger=None, intermediate=(), state_dir=None
    ) -> None:
        self.prior = {}
        for head, labels in self.labels.items():
            values = [v for v in train[head] if v is not None]
            counts = np.array([values.count(lab) for lab in labels], dtype=float) + 1e-6
            self.prior[head] = (counts / counts.sum()).tolist()

    def predict_proba(self, rows, batch_size: int = 64) -> dict[str, np.ndarray]:
        return {head: np.tile(np.array(p), (len(rows), 1)) for head, p in self.prior.items()}

    def save_files(self, folder: Path) -> None:
        (folder / "prior.json").write_text(json.dumps(self.prior, indent=2))

    @classmethod
    def load_files(cls, folder: Path, meta: dict) -> MajorityModel:
        model = cls(meta["task"])
        model.prior = json.loads((folder / "prior.json").read_text())
        return model


def _frame(rows) -> pd.DataFrame:
    rows = rows.to_list() if isinstance(rows, Dataset) else list(rows)
    return pd.DataFrame(
        {
            "text": [masked_text(r) for r in rows],
            "actor": [r.get("actor") or "NONE" for r in rows],
            "target": [r["target"] for r in rows],
        }
    )


class TfidfLRModel(StanceModel):
    """Word and character TF-IDF over the mention-masked sentence, one-hot actor and target, balanced LR."""

    kind = "tfidf_lr"

    def _pipeline(self, seed: int) -> Pipeline:
        cfg = self.cfg
        features = ColumnTransformer(
            [
                ("word", TfidfVectorizer(ngram_range=tuple(cfg.word_ngrams), min_df=1, sublinear_tf=True), "text"),
                (
                    "char",
                    TfidfVectorizer(
                        analyzer="char_wb", ngram_range=tuple(cfg.char_ngrams), min_df=2, sublinear_tf=True
                    ),
                    "text",
                ),
                ("ids", OneHotEncoder(handle_unknown="ignore"), ["actor", "target"]),
            ]
        )
        clf = LogisticRegression(C=cfg.C, class_weight="balanced", max_iter=2000, random_state=seed)
        return Pipeline([("features", features), ("clf", clf)])

    def fit(
        self, train: Dataset, dev=None, trainer_cfg=None, seed: int = 0, logger=None, intermediate=(), state_dir=None
    ) -> None:
        self.pipelines = {}
        for head in self.labels:
            rows = head_rows(train, head)
            pipe = self._pipeline(seed)
            pipe.fit(_frame(rows), rows[head])
            self.pipelines[head] = pipe

    def predict_proba(self, rows, batch_size: int = 64) -> dict[str, np.ndarray]:
        frame = _frame(rows)
        out = {}
        for head, pipe in self.pipelines.items():
            proba = pipe.predict_proba(frame) if len(frame) else np.zeros((0, len(pipe.classes_)))
            # align columns with the head's label order (a label absent from training gets probability 0)
            cols = [list(pipe.classes_).index(lab) if lab in pipe.classes_ else None for lab in self.labels[head]]
            out[head] = np.stack([proba[:, c] if c is not None else np.zeros(len(frame)) for c in cols], axis=1)
        return out

    def save_files(self, folder: Path) -> None:
        import skops.io as sio

        for head, pipe in self.pipelines.items():
            sio.dump(pipe, folder / f"{head}.skops")

    @classmethod
    def load_files(cls, folder: Path, meta: dict) -> TfidfLRModel:
        import skops.io as sio

        model = cls(meta["task"])
        model.pipelines = {}
        for head in model.labels:
            path = folder / f"{head}.skops"
            untrusted = [t for t in sio.get_untrusted_types(file=path) if t not in SKOPS_TRUSTED]
            if untrusted:
                raise ValueError(f"{path}: refuses to load types outside the trusted list: {untrusted}")
            model.pipelines[head] = sio.load(path, trusted=SKOPS_TRUSTED)
        return model
