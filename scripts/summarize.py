"""Rebuild the results table from run folders.

python scripts/summarize.py experiments/un_speeches_cv5 [more folders] [--out experiments/results.md]
python scripts/summarize.py --compare RUN_A RUN_B [--out diff.json]   # two CV runs on the same folds, paired
"""

import argparse
import json
from pathlib import Path

from stance.io import atomic_write_json, atomic_write_text
from stance.summary import collect, compare_runs, markdown, summarize


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="+", help="folders searched recursively for metrics.json")
    parser.add_argument("--out", help="write the table as Markdown here (and JSON beside it)")
    parser.add_argument("--compare", action="store_true", help="paired difference of two CV run folders (A - B)")
    args = parser.parse_args()
    if args.compare:
        if len(args.folders) != 2:
            raise SystemExit("--compare takes exactly two CV run folders")
        result = compare_runs(*args.folders)
        print(json.dumps(result, indent=1))
        if args.out:
            atomic_write_json(args.out, result)
        return
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
