"""Thin wrapper: `python scripts/train.py [overrides]` == `stance-train [overrides]`."""

from stance.cli import train

if __name__ == "__main__":
    train()
