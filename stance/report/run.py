"""Report entry point: predictions (file or folder of shards) -> report folder."""

from __future__ import annotations

from hydra.utils import to_absolute_path

from stance.report.render import write_report
from stance.report.table import cells_frame, load_predictions, report_errors


def run_report(cfg) -> int:
    errors: list = []
    records = load_predictions(to_absolute_path(cfg.predictions), errors)
    report_errors(errors)
    if not records:
        print("no prediction records could be read", flush=True)
        return 1
    cells = cells_frame(records)
    table = write_report(
        cells,
        to_absolute_path(cfg.output),
        period=cfg.period,
        actors=cfg.actors,
        targets=cfg.targets,
        top_actors=cfg.top_actors,
        top_cells=cfg.top_cells,
        min_instances=cfg.min_instances,
        n_boot=cfg.n_boot,
        seed=cfg.seed,
        skipped=len(errors),
        title=cfg.title,
    )
    print(f"{len(records)} articles, {len(table)} table rows, {len(errors)} lines skipped -> {cfg.output}/report.md")
    return 0
