"""The one instance schema every reader returns, and the checks that guard it."""

from __future__ import annotations

import re

from datasets import Features, Value

# One row = one (sentence, actor, target) instance. `actor` is empty for pure target-sentiment data (NewsMTSC).
# `*_start` are character offsets of the mention in `text` (-1: not in `text`, look in `context`, or implicit).
INSTANCE_FEATURES = Features(
    {
        "id": Value("string"),
        "doc_id": Value("string"),
        "group": Value("string"),
        "source": Value("string"),
        "date": Value("string"),
        "speaker": Value("string"),
        "text": Value("string"),
        "context": Value("string"),
        "actor": Value("string"),
        "actor_mention": Value("string"),
        "actor_start": Value("int32"),
        "target": Value("string"),
        "target_mention": Value("string"),
        "target_start": Value("int32"),
        "stance": Value("string"),
        "sentiment": Value("string"),
        "relevance": Value("string"),
    }
)

ACTOR_RE = re.compile(r"^[A-Z]{2,4}$")
DATE_RE = re.compile(r"^$|^\d{4}(-\d{2}(-\d{2})?)?$")
