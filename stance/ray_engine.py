"""`engine=ray`: the same predictor as a Ray Data `map_batches` stage (an optional extra: pip install .[ray]).

Ray Data reads the input (JSONL lines, or the .txt files of a folder), a parse stage (light tasks) validates it
with the same rules as the local reader, and a pool of actors, each loading the checkpoint once, predicts batches
of articles. The driver streams the results into JSONL shards (`part-00000.jsonl`, ...) in the output folder;
`ray.address` joins an existing cluster.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from stance.data.readers import article_record, folder_metadata, is_sentence_record, text_article


def _parse_lines(batch):
    articles, errors = [], []
    for line in batch["text"]:
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict):
                raise ValueError("not a JSON object")
        except ValueError as exc:
            errors.append(f"malformed JSONL line ({exc}): {line[:60]!r}")
            continue
        if is_sentence_record(rec):  # lines are parsed apart here: no joining per doc_id
            errors.append(
                f"sentence record {rec['sid']!r}: engine=ray reads one article per line; join a sentence "
                "file per doc_id first, or run it with engine=local"
            )
            continue
        errs: list = []
        art = article_record(rec, "<jsonl>", None, errs)
        errors += [str(e) for e in errs]
        if art is not None:
            articles.append(art)
    return _columns(articles, errors)


def _parse_files(batch, metadata: dict):
    articles, errors = [], []
    for data, path in zip(batch["bytes"], batch["path"]):
        errs: list = []
        stem = Path(path).stem
        articles += [{**a, **metadata.get(stem, {})} for a in text_article(stem, bytes(data), path, errs)]
        errors += [str(e) for e in errs]
    return _columns(articles, errors)


def _columns(articles: list[dict], errors: list[str]) -> dict:
    """Articles and errors travel as rows of one table: an error row has empty article fields."""
    rows = [{**a, "error": ""} for a in articles] + [
        {"id": "", "text": "", "date": "", "speaker": "", "error": e} for e in errors
    ]
    return {k: [r[k] for r in rows] for k in ("id", "text", "date", "speaker", "error")}


PARSE_CPUS = 0.25  # parsing is light: stateless tasks that never hold CPUs the predictor actors need


class _Predict:
    def __init__(self, checkpoint, lexicon, batch_size, threshold, pair_filter, precision):
        from stance.predict import Predictor

        self.predictor = Predictor(checkpoint, lexicon, batch_size, threshold, pair_filter, precision)  # once per actor

    def __call__(self, batch):
        fields = zip(batch["id"], batch["text"], batch["date"], batch["speaker"], batch["error"])
        articles = [{"id": i, "text": t, "date": d, "speaker": s} for i, t, d, s, err in fields if not err]
        done = iter(self.predictor.predict(articles))  # the batch's articles share forward passes
        records = ["" if err else json.dumps(next(done), ensure_ascii=False) for err in batch["error"]]
        return {"record": records, "error": list(batch["error"])}


def run_ray_predict(cfg, checkpoint: str, lexicon: str, pair_filter: list[str], source: str, output: str) -> int:
    try:
        import ray
    except ImportError as exc:
        raise ValueError("engine=ray needs the optional extra: pip install '.[ray]'") from exc
    src = Path(source)
    ray.init(
        address=cfg.ray.address,
        ignore_reinit_error=True,
        include_dashboard=False,
        num_cpus=cfg.ray.num_cpus_total,
        log_to_driver=False,
    )
    meta_errors: list = []
    if src.is_dir():
        meta = folder_metadata(src / "metadata.jsonl", meta_errors)
        ds = ray.data.read_binary_files(str(src), include_paths=True, file_extensions=["txt"])
        ds = ds.map_batches(_parse_files, fn_kwargs={"metadata": meta}, num_cpus=PARSE_CPUS)
    elif src.suffix in (".jsonl", ".json") and src.is_file():
        ds = ray.data.read_text(str(src)).map_batches(_parse_lines, num_cpus=PARSE_CPUS)
    else:
        raise ValueError(f"engine=ray reads a .jsonl file or a folder of .txt files, not {source!r}")
    ds = ds.map_batches(
        _Predict,
        fn_constructor_kwargs={
            "checkpoint": checkpoint,
            "lexicon": lexicon,
            "batch_size": cfg.batch_size,
            "precision": cfg.precision,
            "threshold": cfg.threshold,
            "pair_filter": pair_filter,
        },
        batch_size=cfg.ray.batch_size,
        concurrency=cfg.ray.concurrency,
        num_cpus=cfg.ray.num_cpus,
        num_gpus=cfg.ray.num_gpus,
    )
    out = Path(output)
    out.mkdir(parents=True, exist_ok=True)
    n, shard, fh, errors = 0, 0, None, [str(e) for e in meta_errors]
    for batch in ds.iter_batches(batch_size=cfg.ray.batch_size):
        for record, error in zip(batch["record"], batch["error"]):
            if error:
                errors.append(error)
                continue
            if fh is None or n % cfg.ray.shard_size == 0:
                if fh is not None:
                    fh.close()
                fh = (out / f"part-{shard:05d}.jsonl").open("w", encoding="utf-8")
                shard += 1
            fh.write(record + "\n")
            n += 1
    if fh is not None:
        fh.close()
    for err in errors:
        print(f"skipped: {err}", file=sys.stderr)
    print(f"{n} article(s) processed, {len(errors)} skipped; output: {out}/ ({shard} shards)", file=sys.stderr)
    return 0 if n else 1
