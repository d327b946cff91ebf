"""Step 1: drop page clutter (share buttons, footers, related-headline lists) without touching article text.

Works line by line and returns the kept lines as (start, end) spans of the original text, so every later offset
still points into the text the user gave.
"""

from __future__ import annotations

import re

BOILERPLATE = re.compile(
    r"""^\s*(?:
        share\ this|share\ on\ \w+|follow\ us\b|read\ more\b|related\b.*:?$|click\ here|sign\ up|subscribe
      | all\ rights\ reserved|copyright\b|©|maintained\ and\ developed\ by|send\ your\ comments|your\ comment
      | advertisement|image\ (?:source|caption)|photo:|getty\ images|reuters/|afp\ photo
    )""",
    re.IGNORECASE | re.VERBOSE,
)
TIMESTAMP = re.compile(r"GMT\s+\d{1,2}:\d{2}\s+\d{4}")  # "GMT 12:44 2018 Friday ,31 August" headline lists
NO_WORDS = re.compile(r"^[\W\d_]*$")
ANYWHERE = re.compile(r"maintained and developed by|all rights reserved", re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    stripped = line.strip()
    if NO_WORDS.match(stripped):
        return True
    if BOILERPLATE.match(stripped) or TIMESTAMP.search(stripped):
        return True
    return "©" in stripped or ANYWHERE.search(stripped) is not None


def content_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-clutter line."""
    spans, pos = [], 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        if body.strip() and not is_boilerplate(body):
            spans.append((pos, pos + len(body)))
        pos += len(line)
    return spans
