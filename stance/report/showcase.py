"""Showcase: the whole chain on the UN General Assembly / White House speeches, cross-fitted.

Each speech (all its sentences on Libya, joined into one document with its speaker and year) is predicted by a
model that did not train on that speech: speeches are split into grouped folds, and for each fold a model is
trained on every silver instance except those of the fold's speeches. The resulting report is compared, cell by
cell, with the picture the silver labels of the same speeches give.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from hydra.utils import to_absolute_path
from sklearn.model_selection import GroupKFold

from stance.data.readers import iter_jsonl, load_data
from stance.models import build_model
from stance.predict import Predictor
from stance.report.render import write_report
from stance.report.table import cells_frame
from stance.runlog import seed_everything


def speech_documents(path: str) -> list[dict]:
    docs: dict[str, dict] = {}
    for _, rec in iter_jsonl(path):
        doc = docs.setdefault(
            rec["doc_id"],
            {"id": rec["doc_id"], "date": rec.get("date") or "", "speaker": rec.get("speaker") or "", "lines": []},
        )
        doc["lines"].append(rec["text"])
    return [
        {"id": d["id"], "date": d["date"], "speaker": d["speaker"], "text": "\n".join(d["lines"])}
        for d in docs.values()
    ]


def silver_picture(instances: pd.DataFrame) -> pd.DataFrame:
    g = instances.groupby(["actor", "target"])["stance"]
    out = g.value_counts().unstack(fill_value=0).reindex(columns=["support", "oppose", "neutral"], fill_value=0)
    out["instances"] = out.sum(1)
    out["net_index"] = (out["support"] - out["oppose"]) / out["instances"]
    return out.reset_index()


def run_showcase(cfg, out_dir: str | Path) -> dict:
    out = Path(out_dir)
    seed_everything(cfg.seed)
    docs = speech_documents(to_absolute_path(cfg.sentences))
    silver = load_data(cfg.data)
    silver = silver.filter(lambda s: s is not None, input_columns=["stance"])
    doc_ids = np.array([d["id"] for d in docs])
    records = []
    for fold, (_, test_idx) in enumerate(GroupKFold(cfg.folds).split(doc_ids, groups=doc_ids)):
        held = set(doc_ids[test_idx])
        train = silver.filter(lambda d: d not in held, input_columns=["doc_id"])
        model = build_model(cfg.model, cfg.task.name)
        model.fit(train, None, cfg.trainer, seed=cfg.seed)
        predictor = Predictor(model, to_absolute_path(cfg.lexicon), threshold=cfg.threshold)
        fold_records = list(predictor.predict(d for d in docs if d["id"] in held))
        shard = out / "predictions" / f"fold{fold}.jsonl"
        shard.parent.mkdir(parents=True, exist_ok=True)
        shard.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in fold_records), encoding="utf-8")
        records += fold_records
        print(f"fold {fold}: trained on {len(train)} instances, predicted {len(held)} speeches")
    cells = cells_frame(records)
    write_report(
        cells,
        out,
        period=cfg.period,
        title="UN General Assembly and White House speeches on Libya",
        quote_evidence=False,
    )  # the speeches are read in place, never copied into the project
    # the same speeches as the silver labels see them
    speech_ids = set(doc_ids)
    gold = pd.DataFrame([r for r in silver.to_list() if r["doc_id"] in speech_ids])
    labels = silver_picture(gold)
    predicted = cells.groupby(["actor", "target"])[["support", "oppose", "neutral"]].sum()
    predicted["instances"] = predicted.sum(1)
    predicted["net_index"] = (predicted["support"] - predicted["oppose"]) / predicted["instances"]
    both = labels.merge(predicted.reset_index(), on=["actor", "target"], how="outer", suffixes=("_silver", "_model"))
    both.to_csv(out / "silver_vs_model.csv", index=False)
    shared = both.dropna(subset=["net_index_silver", "net_index_model"])
    shared = shared[
        (shared["instances_silver"] >= cfg.min_instances) & (shared["instances_model"] >= cfg.min_instances)
    ]
    corr = float(np.corrcoef(shared["net_index_silver"], shared["net_index_model"])[0, 1]) if len(shared) > 2 else None
    summary = {
        "speeches": len(docs),
        "folds": cfg.folds,
        "model": cfg.model.name,
        "cells_compared": len(shared),
        "pearson_r_net_index": corr,
        "min_instances": cfg.min_instances,
    }
    _scatter(shared, corr, out / "silver_vs_model.png")
    (out / "showcase.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def _scatter(shared: pd.DataFrame, corr, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 4))
    ax.scatter(shared["net_index_silver"], shared["net_index_model"], s=12 + shared["instances_silver"])
    for r in shared.itertuples():
        ax.annotate(f"{r.actor}>{r.target}", (r.net_index_silver, r.net_index_model), fontsize=6)
    ax.plot([-1, 1], [-1, 1], ls="--", c="grey")
    ax.set_xlabel("net index from silver labels")
    ax.set_ylabel("net index from cross-fitted predictions")
    ax.set_title(f"per actor x target cell (r = {corr:.2f})" if corr is not None else "per cell", fontsize=9)
    fig.tight_layout()
    fig.savefig(path, dpi=130)
    plt.close(fig)
