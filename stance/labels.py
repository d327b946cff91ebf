"""The label sets of the codebook (`../shared/spec/codebook.md`): the one place they are defined."""

from __future__ import annotations

STANCE = ("support", "oppose", "neutral")
SENTIMENT = ("positive", "negative", "neutral")
# Is a candidate pair of predict a codebook instance at all? (the pair filter, stance.pipeline.pair_filter)
RELEVANCE = ("instance", "none")

# task name -> the label field it predicts and its label list (index = class id).
TASK_LABELS: dict[str, tuple[str, ...]] = {"stance": STANCE, "sentiment": SENTIMENT, "relevance": RELEVANCE}

# `joint` trains both heads on one encoder; an instance contributes to each head it has a label for.
TASK_HEADS: dict[str, tuple[str, ...]] = {
    "stance": ("stance",),
    "sentiment": ("sentiment",),
    "joint": ("stance", "sentiment"),
    "relevance": ("relevance",),
}

# The codebook's fixed targets; config may narrow or extend them (data.targets).
TARGETS = ("GNA", "LNA", "UN")

# Readable names the transformer sees beside the codes, so an actor id means something to the encoder.
TARGET_NAMES = {
    "GNA": "the Tripoli government (GNA / GNU)",
    "LNA": "Haftar's Libyan National Army and the eastern authorities",
    "UN": "the UN-led political process",
}


def heads_for(task: str) -> tuple[str, ...]:
    if task not in TASK_HEADS:
        raise ValueError(f"unknown task {task!r}: choose one of {sorted(TASK_HEADS)}")
    return TASK_HEADS[task]


def label_maps(task: str) -> dict[str, list[str]]:
    """The label list of every head of `task`, as saved with each checkpoint."""
    return {head: list(TASK_LABELS[head]) for head in heads_for(task)}
