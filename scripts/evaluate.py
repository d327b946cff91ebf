"""Thin wrapper: `python scripts/evaluate.py [overrides]` == `stance-evaluate [overrides]`."""

from stance.cli import evaluate

if __name__ == "__main__":
    evaluate()
