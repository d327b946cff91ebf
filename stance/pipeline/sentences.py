"""Step 2: sentence segmentation with pysbd, keeping character offsets into the original text."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pysbd

MAX_SENTENCE_CHARS = 2000  # a run-on "sentence" longer than this is cut into windows of this size
BLOCK_CHARS = 10_000  # pysbd slows down superlinearly on very long lines: feed it blocks cut after a full stop


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False, char_span=True)


def split_sentences(text: str, spans: list[tuple[int, int]]) -> list[Sentence]:
    out: list[Sentence] = []
    for start, end in _blocks(text, spans):
        line = text[start:end]
        for seg in _segmenter().segment(line):
            s_text = seg.sent.rstrip()
            lead = len(s_text) - len(s_text.lstrip())
            s_text = s_text.strip()
            if not s_text:
                continue
            s_start = start + seg.start + lead
            for k in range(0, len(s_text), MAX_SENTENCE_CHARS):
                piece = s_text[k : k + MAX_SENTENCE_CHARS]
                out.append(Sentence(len(out), s_start + k, s_start + k + len(piece), piece))
    return out


def _blocks(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for start, end in spans:
        while end - start > BLOCK_CHARS:
            cut = text.rfind(". ", start, start + BLOCK_CHARS)
            cut = cut + 2 if cut > start else start + BLOCK_CHARS
            out.append((start, cut))
            start = cut
        out.append((start, end))
    return out
