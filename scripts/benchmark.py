"""Thin wrapper: `python scripts/benchmark.py [overrides]` == `stance-benchmark [overrides]`."""

from stance.cli import benchmark

if __name__ == "__main__":
    benchmark()
