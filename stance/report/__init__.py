"""The corpus view: predict's per-article tables -> who stands where toward whom, per period, with evidence."""

from stance.report.table import aggregate_table, cells_frame, load_predictions

__all__ = ["aggregate_table", "cells_frame", "load_predictions"]
