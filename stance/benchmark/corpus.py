"""The speed corpus: unique text only, from four registers.

- the seed articles and the news article excerpts (what users run predict on);
- every UN speech, its sentences joined into one document per `doc_id`, the speaking country as its speaker;
- the NewsMTSC devtest_mt sentences as one-paragraph articles (mostly no Libya actor: the path where most text
  yields no candidate pair).
Text that occurs twice (an article, or a NewsMTSC sentence listed once per target) is kept once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from stance.data.readers import read_articles, read_newsmtsc


def _newsmtsc(path: Path) -> list[dict]:
    """One article per sentence (the reader gives one row per target; the corpus keeps each text once)."""
    texts = dict.fromkeys(read_newsmtsc(path)["text"])
    return [{"id": f"newsmtsc-{k}", "text": text, "date": ""} for k, text in enumerate(texts)]


def speed_corpus(seeds: Path, shared: Path) -> dict[str, list[dict]]:
    """register -> articles, with text seen in an earlier register or article dropped."""
    registers = {
        "seeds": list(read_articles(seeds)),
        "news": list(read_articles(shared / "data/news/articles.jsonl")),
        "un_speeches": list(read_articles(shared / "data/un-speeches/sentences.jsonl")),
        "newsmtsc": _newsmtsc(shared / "data/newsmtsc/devtest_mt.jsonl"),
    }
    seen: set[str] = set()
    out = {}
    for name, articles in registers.items():
        keep = []
        for art in articles:
            key = " ".join(art["text"].split())
            if key and key not in seen:
                seen.add(key)
                keep.append(art)
        out[name] = keep
    return out


def cycled(articles: list[dict], n: int) -> Iterator[dict]:
    """`n` articles cycling through the corpus, each with a fresh id (for the memory-at-scale runs only)."""
    for k in range(n):
        art = articles[k % len(articles)]
        yield {**art, "id": f"{art['id']}#{k // len(articles)}"}


def write_jsonl(articles, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for art in articles:
            fh.write(json.dumps(art, ensure_ascii=False) + "\n")
    return path
