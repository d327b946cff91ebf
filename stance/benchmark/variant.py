"""One benchmark variant, run in its own process so that its peak RSS and thread state are its own.

`python -m stance.benchmark.variant SPEC.json RESULT.json`; SPEC names the variant, its checkpoint and precision,
the corpus JSONL and the dev instances. Variants:
- `package`: the Predictor end to end (candidates, pooled batches, aggregation), timed per stage;
- `pipeline`: what a user would otherwise run: the same candidates, each pair classified by
  `transformers.pipeline("text-classification")` one at a time (batch size 1), on a fixed sample of pairs.
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.metrics import f1_score

from stance.benchmark.hardware import encoder_flops
from stance.benchmark.peak_rss import peak_rss_mb
from stance.data.readers import iter_jsonl
from stance.models import load_checkpoint
from stance.predict import Predictor
from stance.timing import Stopwatch, stage

HEAD = "stance"


def _dev_f1(model, dev_rows: list[dict], batch_size: int) -> float:
    proba = model.predict_proba(dev_rows, batch_size)[HEAD]
    labels = model.labels[HEAD]
    pred = [labels[j] for j in proba.argmax(1)]
    return float(f1_score([r[HEAD] for r in dev_rows], pred, labels=labels, average="macro", zero_division=0))


def _encoded_lengths(model, rows: list[dict]) -> list[int]:
    """Token lengths of the sequences the encoder actually runs: one per pair (marked) or per sentence (span)."""
    return [len(ids) for ids in model.encode(rows).input_ids] if rows else []


def _warm_lexicon(predictor: Predictor, articles: list[dict]) -> None:
    """Compile the lexicon's pattern for every period of the corpus before timing: a one-time cost per process
    (a few dozen patterns for a decade of news), which would otherwise be billed to the first articles."""
    for date in {a.get("date") or "" for a in articles}:
        predictor.lexicon.find("", date)


def run_package(spec: dict, articles: list[dict], dev_rows: list[dict]) -> dict:
    model = load_checkpoint(spec["checkpoint"])
    predictor = Predictor(
        model, spec["lexicon"], spec["batch_size"], precision=spec["precision"], chunk_pairs=spec["chunk_pairs"]
    )
    _warm_lexicon(predictor, articles)
    labels: dict[str, int] = {}
    lengths: list[int] = []

    def observe(rows, proba):
        with stage("observer"):  # bookkeeping of the benchmark, subtracted from the timings below
            lengths.extend(_encoded_lengths(model, rows))
            labels.update(zip((r["id"] for r in rows), proba[HEAD].argmax(1).tolist()) if rows else ())

    predictor.observer = observe
    with Stopwatch() as watch:
        start = time.perf_counter()
        records = sum(1 for _ in predictor.predict(articles))
        total = time.perf_counter() - start - watch.seconds.pop("observer", 0.0)
    return {
        "articles": records,
        "pairs": len(labels),
        "seconds": total,
        "classify_seconds": watch.seconds["tokenize"] + watch.seconds["encoder"],
        "encoder_seconds": watch.seconds["encoder"],
        "stage_seconds": dict(watch.seconds),
        "tokens": int(sum(lengths)),
        "flops": encoder_flops(model.net.encoder.config, lengths),
        "labels": labels,
        "dev_macro_f1": _dev_f1(model, dev_rows, spec["batch_size"]),
    }


def run_pipeline(spec: dict, articles: list[dict], dev_rows: list[dict]) -> dict:
    from transformers.utils import logging as hf_logging

    from stance.encoding import marked_pair
    from stance.models.hf_pipeline import text_classification_pipeline

    model = load_checkpoint(spec["checkpoint"])
    predictor = Predictor(model, spec["lexicon"])
    _warm_lexicon(predictor, articles)
    hf_logging.set_verbosity_error()
    pipe = text_classification_pipeline(model, HEAD)
    with Stopwatch() as watch:
        rows = [r for art in articles for r in predictor.candidates(art)[1]]
    sample = random.Random(spec["seed"]).sample(rows, min(len(rows), spec["pipeline_max_pairs"]))
    kwargs = {"truncation": "longest_first", "max_length": model.cfg.max_length}
    ids = {lab: i for i, lab in enumerate(model.labels[HEAD])}
    labels = {}
    start = time.perf_counter()
    for r in sample:
        text, query = marked_pair(r, model.names, model.cfg.use_context)
        out = pipe({"text": text, "text_pair": query}, **kwargs)
        labels[r["id"]] = ids[(out[0] if isinstance(out, list) else out)["label"]]
    classify = time.perf_counter() - start
    lengths = _encoded_lengths(model, sample)
    per_pair = classify / max(1, len(sample))
    candidates = sum(watch.seconds.values())
    return {
        "articles": len(articles),
        "pairs": len(sample),
        "pairs_in_corpus": len(rows),
        # end to end for the whole corpus: measured candidate time + every pair at the sampled per-pair cost
        "seconds": candidates + per_pair * len(rows),
        "seconds_extrapolated": True,
        "classify_seconds": classify,
        "encoder_seconds": classify,
        "stage_seconds": {**watch.seconds, "pipeline": per_pair * len(rows)},
        "tokens": int(sum(lengths)),
        "flops": encoder_flops(model.net.encoder.config, lengths),
        "labels": labels,
        "dev_macro_f1": _dev_f1(model, dev_rows, spec["batch_size"]),
    }


def main(spec_path: str, result_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text())
    torch.set_num_threads(spec["threads"]) if spec.get("threads") else None
    articles = [rec for _, rec in iter_jsonl(spec["corpus"])]
    dev_rows = [rec for _, rec in iter_jsonl(spec["dev"])]
    np.random.seed(spec["seed"])
    run = run_pipeline if spec["kind"] == "pipeline" else run_package
    result = run(spec, articles, dev_rows)
    result["peak_rss_mb"] = peak_rss_mb()
    Path(result_path).write_text(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:3])
