"""Thin wrapper: `python scripts/showcase.py` runs the cross-fitted speech showcase (see stance/report/showcase.py)."""

from stance.cli import showcase

if __name__ == "__main__":
    showcase()
