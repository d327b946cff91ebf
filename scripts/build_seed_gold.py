"""Rebuild the seed gold from the two annotation rounds and the adjudication, and print the agreement.

    python scripts/build_seed_gold.py
writes seeds/annotations.jsonl, seeds/article_gold.jsonl and experiments/annotation/agreement.json.
"""

import json
from pathlib import Path

from stance.annotation import adjudicate, agreement, article_table
from stance.io import atomic_write_json, atomic_write_text

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


def main() -> None:
    a, b = SEEDS / "rounds/annotator_a.jsonl", SEEDS / "rounds/annotator_b.jsonl"
    figures = agreement(a, b)
    gold = adjudicate(a, b, SEEDS / "rounds/adjudication.json")
    figures["n_gold"] = len(gold)
    atomic_write_text(SEEDS / "annotations.jsonl", "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold))
    tables = article_table(gold)
    atomic_write_text(SEEDS / "article_gold.jsonl", "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in tables))
    atomic_write_json(ROOT / "experiments/annotation/agreement.json", figures)
    print(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
