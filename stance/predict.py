"""Predict entry point: raw articles in, one actor x target table per article out (JSONL, CSV or terminal).

Input and output are streamed: articles are read, classified in batches and written one at a time, so memory
does not grow with the corpus. Bad entries are reported with where they are and skipped; the exit status is
non-zero only when nothing could be processed.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from stance.data.readers import DataError, read_articles
from stance.lexicon import Lexicon
from stance.models import StanceModel, load_checkpoint
from stance.pipeline.aggregate import aggregate
from stance.pipeline.candidates import article_candidates
from stance.pipeline.pair_filter import PairFilter, filter_folders
from stance.timing import stage


class Predictor:
    """Loaded once (a checkpoint and a lexicon), then applied to any number of articles.

    Consecutive articles are classified together: their proposed pairs are pooled until `chunk_pairs` are waiting,
    then filtered (with a pair filter) and classified in shared batches, so that short articles still fill the
    encoder's batches. Output keeps the input order, and memory is bounded by one chunk.
    """

    def __init__(
        self,
        checkpoint,
        lexicon: str | Path,
        batch_size: int = 64,
        threshold: float = 0.5,
        pair_filter: str | Path | StanceModel | list | None = None,
        precision: str = "auto",
        chunk_pairs: int = 4096,
    ):
        """`checkpoint`, `pair_filter`: a checkpoint folder, or a model already in memory (a StanceModel);
        `pair_filter` may also be a list of them, whose P(instance) is averaged.
        `precision`: fp32, bf16, int8 or auto (bf16 where the CPU has it natively) for fine-tuned transformers."""
        self.model = checkpoint if isinstance(checkpoint, StanceModel) else load_checkpoint(checkpoint)
        if hasattr(self.model, "set_precision"):
            self.model.set_precision(precision)
        elif precision not in ("fp32", "auto"):
            raise ValueError(f"precision={precision} applies to fine-tuned transformer checkpoints only")
        self.lexicon = Lexicon.load(lexicon)
        self.pair_filter = PairFilter.load(pair_filter) if pair_filter else None
        for model in self.pair_filter.models if self.pair_filter else []:
            if hasattr(model, "set_precision"):
                model.set_precision(precision)  # a transformer filter is on the hot path too
        self.batch_size, self.threshold, self.chunk_pairs = batch_size, threshold, max(1, chunk_pairs)
        self.observer = None  # optional callable(pairs, probabilities) per classified chunk (benchmarks, audits)

    def candidates(self, article: dict) -> tuple[int, list[dict]]:
        """(number of sentences, candidate pairs) of one article."""
        n_sentences, rows = self._proposed(article)
        return n_sentences, self._filtered([rows])[0]

    def _proposed(self, article: dict) -> tuple[int, list[dict]]:
        """The lexicon's pairs, widened to the previous sentence when a pair filter will narrow them."""
        sentences, rows = article_candidates(article, self.lexicon, widen=self.pair_filter is not None)
        return len(sentences), rows

    def _filtered(self, groups: list[list[dict]]) -> list[list[dict]]:
        if self.pair_filter is None:
            return groups
        with stage("pair_filter"):
            return self.pair_filter.select(groups, self.batch_size)

    def predict_article(self, article: dict) -> dict:
        return next(self.predict([article]))

    def predict(self, articles: Iterable[dict]) -> Iterator[dict]:
        waiting: list[tuple[dict, int, list[dict]]] = []
        n_pairs = 0
        for article in articles:
            n_sentences, rows = self._proposed(article)
            waiting.append((article, n_sentences, rows))
            n_pairs += len(rows)
            if n_pairs >= self.chunk_pairs:
                yield from self._classify(waiting)
                waiting, n_pairs = [], 0
        yield from self._classify(waiting)

    def _classify(self, waiting: list[tuple[dict, int, list[dict]]]) -> Iterator[dict]:
        """Filter (if any) and classify one chunk of articles' proposed pairs, pooled across the articles."""
        kept = self._filtered([rows for _, _, rows in waiting])
        waiting = [(article, n, rows) for (article, n, _), rows in zip(waiting, kept)]
        pooled = [r for _, _, rows in waiting for r in rows]
        proba = self.model.predict_proba(pooled, self.batch_size) if pooled else {}
        if self.observer is not None:
            self.observer(pooled, proba)
        at = 0
        for article, n_sentences, rows in waiting:
            with stage("aggregate"):
                part = {h: p[at : at + len(rows)] for h, p in proba.items()}
                at += len(rows)
                cells = aggregate(rows, part, self.model.labels, self.threshold) if rows else []
            yield {
                "id": article["id"],
                "date": article.get("date", ""),
                "sentences": n_sentences,
                "candidates": len(rows),
                "cells": cells,
                **({} if cells else {"note": "no actor-target pair found in this article"}),
            }


CSV_FIELDS = [
    "id",
    "date",
    "actor",
    "target",
    "instances",
    "stance",
    "stance_probability",
    "sentiment",
    "sentiment_probability",
    "evidence",
]


def _write(records: Iterator[dict], fmt: str, out) -> int:
    n = 0
    writer = None
    for rec in records:
        n += 1
        if fmt == "jsonl":
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer = writer or csv.DictWriter(out, CSV_FIELDS, extrasaction="ignore")
            if n == 1:
                writer.writeheader()
            for cell in rec["cells"]:
                writer.writerow(
                    {
                        "id": rec["id"],
                        "date": rec["date"],
                        **cell,
                        "evidence": " | ".join(e["text"] for e in cell["evidence"][:3]),
                    }
                )
        else:
            out.write(format_article(rec) + "\n")
        out.flush()
    return n


def format_article(rec: dict) -> str:
    lines = [
        f"== {rec['id']} ({rec['date'] or 'undated'}): {rec['sentences']} sentences, "
        f"{rec['candidates']} candidate pairs"
    ]
    if not rec["cells"]:
        lines.append("   no actor-target pair found")
    for c in rec["cells"]:
        extra = f"  sentiment {c['sentiment']}" if "sentiment" in c else ""
        label = c.get("stance", "")
        prob = c.get("stance_probability", c.get("sentiment_probability"))
        lines.append(f"   {c['actor']:>5} -> {c['target']:<4} {label:<10} p={prob:.2f} n={c['instances']}{extra}")
        lines.append(f'         e.g. "{c["evidence"][0]["text"][:110]}"')
    return "\n".join(lines)


def run_predict(cfg) -> int:
    from hydra.utils import to_absolute_path

    fmt = cfg.format or ("csv" if str(cfg.output or "").endswith(".csv") else "jsonl")
    if cfg.output is None:
        fmt = "table"
    elif fmt not in ("jsonl", "csv"):
        raise ValueError(f"format={fmt!r} not supported; choose jsonl or csv")
    if cfg.engine not in ("local", "ray"):
        raise ValueError(f"engine={cfg.engine!r} unknown; choose local or ray")
    if cfg.engine == "ray":
        from stance.ray_engine import run_ray_predict

        if cfg.output is None:
            raise ValueError("engine=ray writes a folder of JSONL shards: give output=DIR")
        return run_ray_predict(
            cfg,
            to_absolute_path(cfg.checkpoint),
            to_absolute_path(cfg.lexicon),
            filter_folders(cfg.pair_filter),
            to_absolute_path(cfg.input),
            to_absolute_path(cfg.output),
        )
    predictor = Predictor(
        to_absolute_path(cfg.checkpoint),
        to_absolute_path(cfg.lexicon),
        cfg.batch_size,
        cfg.threshold,
        filter_folders(cfg.pair_filter),
        cfg.precision,
        cfg.chunk_pairs,
    )
    errors: list[DataError] = []
    source = cfg.input if cfg.input == "-" else to_absolute_path(cfg.input)
    articles = read_articles(source, errors=errors)
    if cfg.output is None:
        n = _write(predictor.predict(articles), fmt, sys.stdout)
    else:
        out_path = Path(to_absolute_path(cfg.output))
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with out_path.open("w", encoding="utf-8", newline="") as out:
            n = _write(predictor.predict(articles), fmt, out)
    for err in errors:
        print(f"skipped: {err}", file=sys.stderr)
    print(
        f"{n} article(s) processed, {len(errors)} skipped" + (f"; output: {cfg.output}" if cfg.output else ""),
        file=sys.stderr,
    )
    return 0 if n else 1
