"""Where the time of a run goes: named stages that cost nothing unless a `Stopwatch` is recording.

The predict path marks its steps (`with stage("sentences"): ...`); the benchmark records them to report each
stage's share of the wall time. Stages may nest (tokenize inside predict_proba); totals are per name.
"""

from __future__ import annotations

import time
from collections import defaultdict
from contextlib import contextmanager

_active: list[Stopwatch] = []


class Stopwatch:
    def __init__(self):
        self.seconds: dict[str, float] = defaultdict(float)

    def __enter__(self) -> Stopwatch:
        _active.append(self)
        return self

    def __exit__(self, *exc) -> None:
        _active.remove(self)

    def shares(self, total: float) -> dict[str, float]:
        return {name: round(sec / total, 4) for name, sec in sorted(self.seconds.items())} if total > 0 else {}


@contextmanager
def stage(name: str):
    if not _active:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        elapsed = time.perf_counter() - start
        for watch in _active:
            watch.seconds[name] += elapsed
