"""Readers for the codebook's instance files, NewsMTSC, DSE and raw articles.

Every reader validates at the boundary and raises `DataError` naming the file, the line, the field and what is
allowed, so a bad file is fixed in one look instead of failing deep inside training.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import datasets
from datasets import Dataset

from stance.data.schema import ACTOR_RE, DATE_RE, INSTANCE_FEATURES
from stance.labels import SENTIMENT, STANCE, TARGETS

datasets.disable_progress_bars()  # per-call bars on small in-memory maps are noise; loops have their own


class DataError(ValueError):
    """A data file that does not follow its format; the message says where and what to fix."""

    def __init__(self, path: str | Path, line: int | None, message: str):
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path, self.line = str(path), line


def iter_jsonl(path: str | Path, *, skip_bad: bool = False, errors: list | None = None) -> Iterator[tuple[int, dict]]:
    """Yield (line number, object) for each non-blank line. With `skip_bad`, malformed lines are recorded in
    `errors` as DataError and skipped; otherwise the first one raises."""
    path = Path(path)
    if not path.is_file():
        raise DataError(path, None, "no such file (check data.path; relative paths start at the working directory)")
    with path.open("rb") as fh:
        for lineno, raw in enumerate(fh, 1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
                if not isinstance(obj, dict):
                    raise ValueError(f"expected a JSON object, got {type(obj).__name__}")
            except (UnicodeDecodeError, ValueError) as exc:
                err = DataError(path, lineno, f"not a valid UTF-8 JSON object ({exc})")
                if not skip_bad:
                    raise err from exc
                if errors is not None:
                    errors.append(err)
                continue
            yield lineno, obj


def _str_field(rec: dict, key: str, path, lineno, *, required: bool) -> str | None:
    value = rec.get(key)
    if value is None:
        if required:
            raise DataError(path, lineno, f"missing required field {key!r}")
        return None
    if not isinstance(value, str):
        raise DataError(path, lineno, f"field {key!r} must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise DataError(path, lineno, f"field {key!r} is empty")
    return value


def _mention_start(text: str, context: str, mention: str | None, field: str, path, lineno) -> int:
    if mention is None:
        return -1
    start = text.find(mention)
    if start < 0 and mention not in context:
        raise DataError(path, lineno, f"{field} {mention!r} is not an exact substring of 'text' or 'context'")
    return start


def instance_record(rec: dict, path, lineno, *, targets: Sequence[str] | None, source: str) -> dict:
    """Validate one codebook record and bring it to INSTANCE_FEATURES."""
    get = lambda key, required=False: _str_field(rec, key, path, lineno, required=required)  # noqa: E731
    text, actor, target = get("text", True), get("actor", True), get("target", True)
    context = get("context") or ""
    if not ACTOR_RE.match(actor):
        raise DataError(
            path, lineno, f"actor {actor!r} is not a codebook code (ISO-3 state, UN, EU, AU, LAS, NATO, GNA, LNA, LBY)"
        )
    if targets is not None and target not in targets:
        raise DataError(path, lineno, f"target {target!r} not allowed; allowed targets: {', '.join(targets)}")
    if actor == target:
        raise DataError(
            path, lineno, f"actor and target are both {actor!r}: the codebook never pairs an actor with itself"
        )
    stance, sentiment = get("stance"), get("sentiment")
    if stance is None and sentiment is None:
        raise DataError(path, lineno, "record has neither 'stance' nor 'sentiment'")
    if stance is not None and stance not in STANCE:
        raise DataError(path, lineno, f"stance {stance!r} not allowed; allowed: {', '.join(STANCE)}")
    if sentiment is not None and sentiment not in SENTIMENT:
        raise DataError(path, lineno, f"sentiment {sentiment!r} not allowed; allowed: {', '.join(SENTIMENT)}")
    date = get("date") or ""
    if not DATE_RE.match(date):
        raise DataError(path, lineno, f"date {date!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
    actor_mention, target_mention = get("actor_mention"), get("target_mention")
    doc_id = get("doc_id", True)
    return {
        "id": get("id", True),
        "doc_id": doc_id,
        "group": get("group") or doc_id,
        "source": get("source") or source,
        "date": date,
        "speaker": get("speaker") or "",
        "text": text,
        "context": context,
        "actor": actor,
        "actor_mention": actor_mention,
        "actor_start": _mention_start(text, context, actor_mention, "actor_mention", path, lineno),
        "target": target,
        "target_mention": target_mention,
        "target_start": _mention_start(text, context, target_mention, "target_mention", path, lineno),
        "stance": stance,
        "sentiment": sentiment,
    }


def _paths(path: str | Path | Sequence[str | Path]) -> list[Path]:
    return [Path(p) for p in ([path] if isinstance(path, (str, Path)) else path)]


def _dataset(rows: list[dict], path) -> Dataset:
    if not rows:
        raise DataError(path, None, "no records found")
    return Dataset.from_list([{k: r.get(k) for k in INSTANCE_FEATURES} for r in rows], features=INSTANCE_FEATURES)


def read_instances(path, *, targets: Sequence[str] | None = TARGETS, source: str | None = None) -> Dataset:
    """Codebook JSON Lines (one or several files). Each record keeps its `source` (default: the file's folder)."""
    rows, seen = [], {}
    for p in _paths(path):
        for lineno, rec in iter_jsonl(p):
            row = instance_record(rec, p, lineno, targets=targets, source=source or p.parent.name)
            if row["id"] in seen:
                raise DataError(p, lineno, f"duplicate id {row['id']!r} (first seen at {seen[row['id']]})")
            seen[row["id"]] = f"{p}:{lineno}"
            rows.append(row)
    return _dataset(rows, path)


NEWSMTSC_POLARITY = {2: "negative", 4: "neutral", 6: "positive"}


def read_newsmtsc(path, **_) -> Dataset:
    """NewsMTSC native JSONL: one row per target, polarity 2/4/6 -> negative/neutral/positive."""
    rows = []
    for p in _paths(path):
        for lineno, rec in iter_jsonl(p):
            text = _str_field(rec, "sentence_normalized", p, lineno, required=True)
            doc = _str_field(rec, "primary_gid", p, lineno, required=True)
            targets = rec.get("targets")
            if not isinstance(targets, list) or not targets:
                raise DataError(p, lineno, "field 'targets' must be a non-empty list")
            for k, tgt in enumerate(targets):
                try:
                    start, mention, pol = int(tgt["from"]), str(tgt["mention"]), int(float(tgt["polarity"]))
                except (KeyError, TypeError, ValueError) as exc:
                    raise DataError(p, lineno, f"targets[{k}] needs 'from', 'mention', 'polarity' ({exc})") from exc
                if pol not in NEWSMTSC_POLARITY:
                    raise DataError(p, lineno, f"targets[{k}].polarity {pol} not allowed; allowed: 2, 4, 6")
                if text[start : start + len(mention)] != mention:
                    start = text.find(mention)
                rows.append(
                    {
                        "id": f"{doc}#{k}",
                        "doc_id": doc,
                        "group": doc,
                        "source": "newsmtsc",
                        "date": "",
                        "speaker": "",
                        "text": text,
                        "context": "",
                        "actor": "",
                        "actor_mention": None,
                        "actor_start": -1,
                        "target": "ENTITY",
                        "target_mention": mention,
                        "target_start": start,
                        "stance": None,
                        "sentiment": NEWSMTSC_POLARITY[pol],
                    }
                )
    return _dataset(rows, path)


# DSE label -> (p->q stance, q->p stance).
DSE_LABELS = {
    0: ("neutral", "neutral"),
    1: ("support", "neutral"),
    2: ("neutral", "support"),
    3: ("oppose", "neutral"),
    4: ("neutral", "oppose"),
}


def read_dse(path, **_) -> Dataset:
    """DSE tab-separated `sentence<TAB>p<TAB>q<TAB>label` with [bracketed] entities: each line gives a p->q and a
    q->p stance instance. Brackets are removed from the text; entities are generic actor/target ids."""
    rows = []
    for p in _paths(path):
        if not p.is_file():
            raise DataError(p, None, "no such file")
        for lineno, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            parts = line.split("\t")
            if len(parts) != 4 or not parts[3].strip().isdigit() or int(parts[3]) not in DSE_LABELS:
                raise DataError(p, lineno, "expected 4 tab-separated fields: sentence, p, q, label in 0-4")
            sent, ent_p, ent_q, label = parts[0], parts[1], parts[2], int(parts[3])
            text, starts = _strip_brackets(sent, (ent_p, ent_q))
            for (a, a_m, a_s, t_m, t_s), stance in zip(
                ((("ENTP", ent_p, starts[0], ent_q, starts[1])), ("ENTQ", ent_q, starts[1], ent_p, starts[0])),
                DSE_LABELS[label],
            ):
                rows.append(
                    {
                        "id": f"dse-{p.stem}-{lineno}-{a}",
                        "doc_id": f"dse-{p.stem}-{lineno}",
                        "group": f"dse-{p.stem}-{lineno}",
                        "source": "dse",
                        "date": "",
                        "speaker": "",
                        "text": text,
                        "context": "",
                        "actor": a,
                        "actor_mention": a_m,
                        "actor_start": a_s,
                        "target": "ENTITY",
                        "target_mention": t_m,
                        "target_start": t_s,
                        "stance": stance,
                        "sentiment": None,
                    }
                )
    return _dataset(rows, path)


def _strip_brackets(sentence: str, entities: tuple[str, str]) -> tuple[str, list[int]]:
    """Remove the DSE [..] markers and return the offsets of the two entities in the clean text."""
    out, starts, i = [], [], 0
    for ent in entities:
        j = sentence.find(f"[{ent}]", i)
        if j < 0:
            break
        out.append(sentence[i:j])
        starts.append(sum(map(len, out)))
        out.append(ent)
        i = j + len(ent) + 2
    out.append(sentence[i:])
    text = "".join(out)
    while len(starts) < 2:  # entity not bracketed as given: fall back to search
        starts.append(text.find(entities[len(starts)]))
    return text, starts


def read_articles(path, *, errors: list | None = None, stdin=None) -> Iterator[dict]:
    """Raw articles, streamed: a `.txt` file, a folder of `.txt` files, JSONL `{"id", "text", "date"?,
    "speaker"?}` (or a sentence file, see `sentence_documents`), or `-` for standard input. Unreadable entries are
    recorded in `errors` and skipped."""
    errors = [] if errors is None else errors
    path_s = str(path)
    if path_s == "-":
        import sys

        data = (stdin or sys.stdin.buffer).read()
        yield from text_article("stdin", data, "<stdin>", errors)
        return
    p = Path(path_s)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.suffix == ".txt")
        if not files:
            errors.append(DataError(p, None, "folder holds no .txt articles"))
        meta = folder_metadata(p / "metadata.jsonl", errors)
        for f in files:
            for article in text_article(f.stem, f.read_bytes(), f, errors):
                yield {**article, **meta.get(f.stem, {})}
    elif p.suffix in (".jsonl", ".json"):
        records = iter_jsonl(p, skip_bad=True, errors=errors)
        first = next(records, None)
        records = itertools.chain([first] if first else [], records)
        if first and is_sentence_record(first[1]):
            records = sentence_documents(records)
        for lineno, rec in records:
            article = article_record(rec, p, lineno, errors)
            if article is not None:
                yield article
    elif p.is_file():
        yield from text_article(p.stem, p.read_bytes(), p, errors)
    else:
        raise DataError(p, None, "no such file or folder (give a .txt file, a folder of .txt, a .jsonl file or -)")


def is_sentence_record(rec: dict) -> bool:
    return "sid" in rec and "doc_id" in rec and "id" not in rec


def sentence_documents(records: Iterable[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """A sentence file (`{"sid", "doc_id", "text", "date"?, "speaker"?}` per line, as in the UN speeches) as one
    document per `doc_id`: its sentences in order of the `-s<k>` suffix of their `sid`, joined by spaces; the
    line number is the document's first line."""
    docs: dict[str, list[tuple[int, int, dict]]] = {}
    for lineno, rec in records:
        match = re.search(r"-s(\d+)$", str(rec.get("sid", "")))
        docs.setdefault(str(rec.get("doc_id")), []).append((int(match.group(1)) if match else 0, lineno, rec))
    out = []
    for doc_id, sents in docs.items():
        sents.sort(key=lambda s: (s[0], s[1]))
        first = sents[0][2]
        text = " ".join(s["text"] for _, _, s in sents if isinstance(s.get("text"), str))
        out.append((min(s[1] for s in sents), {**first, "id": doc_id, "text": text}))
    return sorted(out, key=lambda d: d[0])


def article_record(rec: dict, where, lineno, errors: list) -> dict | None:
    """One JSONL article record, validated; None (with the reason in `errors`) when it has no text."""
    text, art_id = rec.get("text"), rec.get("id", f"line{lineno}")
    if not isinstance(text, str):
        errors.append(DataError(where, lineno, "missing string field 'text'"))
        return None
    date = rec.get("date") or ""
    if not isinstance(date, str) or not DATE_RE.match(date):
        errors.append(DataError(where, lineno, f"date {date!r} must be YYYY, YYYY-MM or YYYY-MM-DD; date ignored"))
        date = ""
    return {"id": str(art_id), "text": text, "date": date, "speaker": str(rec.get("speaker") or "")}


def folder_metadata(path: Path, errors: list) -> dict[str, dict]:
    """Optional `metadata.jsonl` beside a folder's .txt files: {"id": file stem, "date"?, "speaker"?} per line."""
    if not path.is_file():
        return {}
    meta = {}
    for lineno, rec in iter_jsonl(path, skip_bad=True, errors=errors):
        date = rec.get("date") or ""
        if not isinstance(date, str) or not DATE_RE.match(date):
            errors.append(DataError(path, lineno, f"date {date!r} must be YYYY, YYYY-MM or YYYY-MM-DD; ignored"))
            date = ""
        meta[str(rec.get("id"))] = {"date": date, "speaker": str(rec.get("speaker") or "")}
    return meta


def text_article(art_id: str, data: bytes, where, errors: list) -> Iterable[dict]:
    if b"\x00" in data[:8192]:
        errors.append(DataError(where, None, "binary file (NUL bytes), skipped"))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        errors.append(DataError(where, None, f"not UTF-8 ({exc.reason} at byte {exc.start}); re-encode it as UTF-8"))
        return
    yield {"id": art_id, "text": text, "date": "", "speaker": ""}


def read_candidates(path, *, gold_instances: str, lexicon: str, subset: str | None = None) -> Dataset:
    """Predict's candidate pairs on articles with gold instances, labelled for `task=relevance`."""
    from stance.pipeline.pair_filter import labelled_candidates

    if not gold_instances:
        raise ValueError("data.format=candidates needs data.gold_instances: the gold instances of the articles")
    return _dataset([r for p in _paths(path) for r in labelled_candidates(p, gold_instances, lexicon, subset)], path)


READERS = {"instances": read_instances, "newsmtsc": read_newsmtsc, "dse": read_dse, "candidates": read_candidates}


def load_data(cfg) -> Dataset:
    """Build the dataset a `data` config describes (format + one or several paths)."""
    from hydra.utils import to_absolute_path

    if cfg.format not in READERS:
        raise ValueError(f"data.format={cfg.format!r} cannot be trained on; choose one of {sorted(READERS)}")
    paths = [to_absolute_path(p) for p in ([cfg.path] if isinstance(cfg.path, str) else list(cfg.path))]
    kwargs = {"targets": list(cfg.targets) if cfg.targets else None} if cfg.format == "instances" else {}
    if cfg.format == "candidates":
        kwargs = {
            "gold_instances": cfg.gold_instances and to_absolute_path(cfg.gold_instances),
            "lexicon": to_absolute_path(cfg.lexicon),
            "subset": cfg.subset,
        }
    ds = READERS[cfg.format](paths, **kwargs)
    if cfg.limit:
        ds = ds.shuffle(seed=0).select(range(min(cfg.limit, len(ds))))
    return ds
