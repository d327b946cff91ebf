"""Evaluation entry point: score any checkpoint (sklearn or transformer) on a labelled data set."""

from __future__ import annotations

from pathlib import Path

from stance.data.readers import load_data
from stance.evaluation import headline, score
from stance.io import atomic_write_json
from stance.metrics import format_table
from stance.models import load_checkpoint
from stance.runlog import seed_everything


def run_evaluate(cfg, run_dir: str | Path) -> dict:
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(cfg.seed)
    model = load_checkpoint(cfg.checkpoint)
    if cfg.data.format == "articles":
        from stance.pipeline.end_to_end import evaluate_articles

        summary = evaluate_articles(model, cfg, run_dir)
    else:
        ds = load_data(cfg.data)
        result = score(model, ds, batch_size=cfg.batch_size, seed=cfg.seed, plots_dir=run_dir)
        for head, m in result.items():
            print(format_table(m, f"{head}: {cfg.data.name} ({m['n']} instances), checkpoint {cfg.checkpoint}"))
            for src, ms in m.get("per_source", {}).items():
                print(f"  {src:<16} macro-F1 {ms['macro_f1']:.3f}  accuracy {ms['accuracy']:.3f}  n={ms['n']}")
            if "dse_5class" in m:
                print(format_table(m["dse_5class"], "DSE five classes (the two directions combined), per sentence"))
        summary = {**headline(result), "checkpoint": str(cfg.checkpoint), "data": cfg.data.name, "result": result}
    atomic_write_json(run_dir / "metrics.json", summary)
    return summary
