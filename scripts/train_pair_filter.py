"""Thin wrapper: `python scripts/train_pair_filter.py [overrides]` trains the candidate-pair filter."""

from stance.cli import train_pair_filter

if __name__ == "__main__":
    train_pair_filter()
