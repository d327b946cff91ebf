"""Report figures: actor x target heatmaps of the net stance index, and index-over-time with its CI band."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from stance.report.table import UNDATED  # noqa: E402


def _matrix(table: pd.DataFrame, actors: list[str], targets: list[str]) -> tuple[np.ndarray, np.ndarray]:
    idx = table.set_index(["actor", "target"])
    values = np.full((len(actors), len(targets)), np.nan)
    counts = np.zeros((len(actors), len(targets)), dtype=int)
    for i, a in enumerate(actors):
        for j, t in enumerate(targets):
            if (a, t) in idx.index:
                values[i, j] = idx.loc[(a, t), "net_index"]
                counts[i, j] = idx.loc[(a, t), "instances"]
    return values, counts


def heatmap(table: pd.DataFrame, actors: list[str], targets: list[str], path: Path, title: str) -> None:
    values, counts = _matrix(table, actors, targets)
    fig, ax = plt.subplots(figsize=(1.2 + 1.1 * len(targets), 0.8 + 0.32 * len(actors)))
    im = ax.imshow(values, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
    ax.set_xticks(range(len(targets)), targets)
    ax.set_yticks(range(len(actors)), actors)
    for i in range(len(actors)):
        for j in range(len(targets)):
            if counts[i, j]:
                ax.text(
                    j,
                    i,
                    f"{values[i, j]:+.2f}\nn={counts[i, j]}",
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color="white" if abs(values[i, j]) > 0.6 else "black",
                )
    ax.set_title(title, fontsize=9)
    fig.colorbar(im, ax=ax, label="net stance (support - oppose) / all", shrink=0.8)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)


def period_heatmaps(table: pd.DataFrame, actors: list[str], targets: list[str], path: Path) -> None:
    periods = sorted(p for p in table["period"].unique() if p not in ("all", UNDATED))
    if not periods:
        return
    cols = min(4, len(periods))
    rows = -(-len(periods) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols, 0.6 + 0.3 * len(actors) * rows), squeeze=False)
    for ax, period in zip(axes.flat, periods):
        values, _ = _matrix(table[table["period"] == period], actors, targets)
        ax.imshow(values, cmap="RdBu", vmin=-1, vmax=1, aspect="auto")
        ax.set_title(period, fontsize=8)
        ax.set_xticks(range(len(targets)), targets, fontsize=7)
        ax.set_yticks(range(len(actors)), actors, fontsize=7)
    for ax in list(axes.flat)[len(periods) :]:
        ax.axis("off")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def time_series(table: pd.DataFrame, cells: list[tuple[str, str]], min_instances: int, path: Path) -> None:
    fig, ax = plt.subplots(figsize=(7, 3.6))
    periods = sorted(p for p in table["period"].unique() if p not in ("all", UNDATED))
    positions = {p: i for i, p in enumerate(periods)}
    for actor, target in cells:
        g = table[
            (table["actor"] == actor)
            & (table["target"] == target)
            & ~table["period"].isin(["all", UNDATED])
            & (table["instances"] >= min_instances)
        ].sort_values("period")
        if g.empty:
            continue
        x = [positions[p] for p in g["period"]]
        line = ax.plot(x, g["net_index"], marker="o", label=f"{actor} -> {target}")[0]
        ax.fill_between(x, g["ci_low"], g["ci_high"], color=line.get_color(), alpha=0.15)
    ax.axhline(0, color="grey", lw=0.8)
    ax.set_ylim(-1.05, 1.05)
    ax.set_ylabel("net stance index")
    ax.set_xticks(range(len(periods)), periods, rotation=45, fontsize=7)
    ax.legend(fontsize=7, ncol=2)
    ax.set_title(f"net stance over time (95% CI, points with >= {min_instances} instances)", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
