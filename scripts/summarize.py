"""Rebuild the results table from run folders.

python scripts/summarize.py experiments/un_speeches_cv5 [more folders] [--out experiments/results.md]
"""

import argparse
from pathlib import Path

from stance.io import atomic_write_json, atomic_write_text
from stance.summary import collect, markdown, summarize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", help="folders searched recursively for metrics.json")
    parser.add_argument("--out", help="write the table as Markdown here (and JSON beside it)")
    args = parser.parse_args()
    table = summarize(collect(args.folders))
    if not table:
        raise SystemExit(f"no metrics.json with results under {args.folders}")
    text = markdown(table)
    print(text)
    if args.out:
        atomic_write_text(args.out, text)
        atomic_write_json(Path(args.out).with_suffix(".json"), table)


if __name__ == "__main__":
    main()
