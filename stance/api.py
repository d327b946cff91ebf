"""Notebook API: the same code the scripts call.

from stance.api import Stance
st = Stance("experiments/runs/.../checkpoint")
cells = st.predict_frame(df)            # df with a `text` column, optional `date`, `speaker`, `id`
table = st.report_table(cells, period="year")
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stance.lexicon import DEFAULT_LEXICON
from stance.predict import Predictor
from stance.report.table import aggregate_table, cells_frame


class Stance:
    def __init__(
        self,
        checkpoint: str | Path,
        lexicon: str | Path = DEFAULT_LEXICON,
        batch_size: int = 64,
        threshold: float = 0.5,
        pair_filter: str | Path | list | None = None,
        precision: str = "auto",
    ):
        self.predictor = Predictor(checkpoint, lexicon, batch_size, threshold, pair_filter, precision)

    def predict_records(self, texts) -> list[dict]:
        """Per-article prediction records (as predict.py writes them) for a list of texts or a DataFrame."""
        if isinstance(texts, pd.DataFrame):
            if "text" not in texts.columns:
                raise ValueError("the DataFrame needs a `text` column (optional: id, date, speaker)")
            frame = texts
        else:
            frame = pd.DataFrame({"text": list(texts)})
        articles = [
            {
                "id": str(r.get("id", i)),
                "text": str(r["text"]),
                "date": str(r.get("date") or ""),
                "speaker": str(r.get("speaker") or ""),
            }
            for i, r in zip(range(len(frame)), frame.to_dict("records"))
        ]
        return list(self.predictor.predict(articles))

    def predict_frame(self, texts) -> pd.DataFrame:
        """One row per (article, actor, target) cell."""
        return cells_frame(self.predict_records(texts))

    @staticmethod
    def report_table(cells: pd.DataFrame, period: str = "year", n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
        return aggregate_table(cells, period, n_boot, seed)
