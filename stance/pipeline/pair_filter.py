"""Step 5b: a learned filter over candidate pairs.

The lexicon and attribution over-generate on purpose (every actor x every target named in or just before a
sentence); most such pairs say nothing about the actor's position toward the target. The filter is an ordinary
checkpoint of `task=relevance`, trained through `scripts/train.py` on `data.format=candidates`: the candidates
predict makes on articles with gold instances, each labelled `instance` when a gold instance of the same actor and
target lies on it, else `none`. Any model family can be the filter; a pair is kept when P(instance) >= 0.5.
Several filters (e.g. seeds of one recipe) act as one whose P(instance) is their mean: on data this small the
seeds of one recipe disagree on many pairs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from stance.data.readers import read_articles
from stance.lexicon import Lexicon
from stance.models import StanceModel, load_checkpoint
from stance.pipeline.candidates import article_candidates

FIELDS = (
    "id",
    "doc_id",
    "date",
    "text",
    "context",
    "actor",
    "actor_mention",
    "actor_start",
    "target",
    "target_mention",
    "target_start",
)


class PairFilter:
    threshold = 0.5

    def __init__(self, models: list):
        self.models = list(models)
        if not self.models:
            raise ValueError("a pair filter needs at least one task=relevance checkpoint")
        for model in self.models:
            if model.task != "relevance":
                raise ValueError(f"a pair filter is a task=relevance checkpoint, not task={model.task!r}")
        self.instance = [model.labels["relevance"].index("instance") for model in self.models]

    @classmethod
    def load(cls, spec) -> PairFilter:
        """`spec`: a checkpoint folder, a model in memory, or a list of them (their P(instance) is averaged)."""
        items = list(spec) if isinstance(spec, (list, tuple)) else [spec]
        return cls([m if isinstance(m, StanceModel) else load_checkpoint(m, task="relevance") for m in items])

    def scores(self, rows: list[dict], batch_size: int = 64) -> np.ndarray:
        """P(instance) per candidate (the mean over the filter's models)."""
        if not rows:
            return np.zeros(0)
        per_model = [m.predict_proba(rows, batch_size)["relevance"][:, i] for m, i in zip(self.models, self.instance)]
        return np.mean(per_model, axis=0)

    def select(self, groups: list[list[dict]], batch_size: int = 64) -> list[list[dict]]:
        """The kept pairs of several articles' candidates, scored in one pass so that short articles share batches."""
        keep = self.scores([r for rows in groups for r in rows], batch_size) >= self.threshold
        out, at = [], 0
        for rows in groups:
            out.append([r for r, k in zip(rows, keep[at : at + len(rows)]) if k])
            at += len(rows)
        return out


def filter_folders(value) -> list[str]:
    """A config's `pair_filter` (null, one folder or a list of folders) as absolute paths."""
    from hydra.utils import to_absolute_path

    if not value:
        return []
    return [to_absolute_path(str(p)) for p in ([value] if isinstance(value, (str, Path)) else value)]


def labelled_candidates(
    articles: str | Path, gold_instances: str | Path, lexicon: str | Path, subset=None
) -> list[dict]:
    """Predict's widened candidates on the articles that have gold instances, in the instance schema, with
    `relevance` = instance | none. `subset` (tune | heldout) keeps one half of the fixed article split."""
    from stance.pipeline.end_to_end import article_half, gold_by_doc, gold_spans, is_instance

    by_doc = gold_by_doc(gold_instances)
    lex = Lexicon.load(lexicon)
    out = []
    for article in read_articles(articles):
        doc = article["id"]
        if doc not in by_doc or (subset and article_half(doc) != subset):
            continue
        article["date"] = article.get("date") or by_doc[doc][0]["date"]
        spans = gold_spans(article["text"], by_doc[doc])
        for r in article_candidates(article, lex, widen=True)[1]:
            out.append(
                {
                    **{k: r[k] for k in FIELDS},
                    "group": doc,
                    "source": "candidates",
                    "relevance": "instance" if is_instance(r, spans) else "none",
                }
            )
    return out
