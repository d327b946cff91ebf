"""Writes the report folder: tables (CSV, Parquet), figures and report.md tying them together."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from stance.io import atomic_write_text
from stance.report.plots import heatmap, period_heatmaps, time_series
from stance.report.table import UNDATED, aggregate_table


def _pick(table: pd.DataFrame, column: str, chosen, top: int) -> list[str]:
    if chosen:
        return list(chosen)
    overall = table[table["period"] == "all"]
    return list(overall.groupby(column)["instances"].sum().sort_values(ascending=False).index[:top])


def write_report(
    cells: pd.DataFrame,
    out_dir: str | Path,
    *,
    period: str = "year",
    actors=None,
    targets=None,
    top_actors: int = 12,
    top_cells: int = 6,
    min_instances: int = 3,
    n_boot: int = 1000,
    seed: int = 0,
    skipped: int = 0,
    title: str = "Stance report",
    quote_evidence: bool = True,
) -> pd.DataFrame:
    """`quote_evidence=False` lists evidence by article id only (for corpora whose text must not be copied)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    table = aggregate_table(cells, period, n_boot, seed)
    if table.empty:
        atomic_write_text(out / "report.md", f"# {title}\n\nNo actor-target cells in the predictions.\n")
        return table
    table.to_csv(out / "table.csv", index=False)
    table.to_parquet(out / "table.parquet", index=False)
    actors, targets = _pick(table, "actor", actors, top_actors), _pick(table, "target", targets, 10)
    overall = table[table["period"] == "all"]
    heatmap(overall, actors, targets, out / "heatmap.png", f"net stance, all {cells['article'].nunique()} articles")
    period_heatmaps(table, actors, targets, out / f"heatmap_by_{period}.png")
    top = overall[overall["actor"].isin(actors) & overall["target"].isin(targets)]
    top = [tuple(x) for x in top.sort_values("instances", ascending=False)[["actor", "target"]].values[:top_cells]]
    time_series(table, top, min_instances, out / "timeseries.png")

    undated = int((cells["date"] == "").sum())
    lines = [
        f"# {title}",
        "",
        f"{cells['article'].nunique()} articles, {len(cells)} article-level cells, "
        f"{int(cells['instances'].sum())} classified sentence pairs; {int((cells['stance'] == 'uncertain').sum())} "
        f"cells `uncertain`; {undated} cells from undated articles (counted in the totals, not in any "
        f"{period}); {skipped} malformed prediction lines skipped.",
        "",
        "Net stance index = (support - oppose) / (support + oppose + neutral) over classified sentences; "
        "95% CI by bootstrap over articles.",
        "",
        "![net stance heatmap](heatmap.png)",
        "",
        f"![by {period}](heatmap_by_{period}.png)",
        "",
        "![over time](timeseries.png)",
        "",
        "## Whole corpus",
        "",
        "| actor | target | articles | instances | support | oppose | neutral | net index [95% CI] |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in overall.sort_values("instances", ascending=False).itertuples():
        lines.append(
            f"| {r.actor} | {r.target} | {r.articles} | {r.instances} | {r.support} | {r.oppose} | "
            f"{r.neutral} | {r.net_index:+.2f} [{r.ci_low:+.2f}, {r.ci_high:+.2f}] |"
        )
    lines += ["", "## Strongest evidence per cell", ""]
    for actor, target in top:
        g = cells[(cells["actor"] == actor) & (cells["target"] == target)]
        g = g.sort_values("evidence_probability", ascending=False).head(3)
        lines.append(f"**{actor} -> {target}**")
        lines += [
            f"- `{r.article}` ({r.date or UNDATED}, {r.stance}, p={r.evidence_probability:.2f})"
            + (f': "{r.evidence}"' if quote_evidence else "")
            for r in g.itertuples()
        ]
        lines.append("")
    atomic_write_text(out / "report.md", "\n".join(lines) + "\n")
    return table
