"""Thin wrapper: `python scripts/report.py predictions=PATH output=DIR [period=quarter]` == `stance-report ...`."""

from stance.cli import report

if __name__ == "__main__":
    report()
