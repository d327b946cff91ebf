"""Training entry point: one grouped dev split + checkpoint, or grouped cross-validation."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
from datasets import concatenate_datasets
from omegaconf import OmegaConf

from stance import distributed
from stance.card import model_card
from stance.data.readers import load_data
from stance.data.splits import grouped_dev_split, iter_folds
from stance.evaluation import headline, score
from stance.io import atomic_write_json, atomic_write_text
from stance.labels import heads_for
from stance.metrics import format_table, summarize_folds
from stance.models import build_model, save_checkpoint
from stance.models.base import Intermediate
from stance.runlog import RunLogger, data_fingerprint, seed_everything


def _task_rows(ds, task: str):
    heads = heads_for(task)
    return ds.filter(lambda *labels: any(v is not None for v in labels), input_columns=list(heads))


def _fit(cfg, train, dev, logger, intermediate, state_dir: Path):
    """Fit one model. A killed run leaves its per-epoch state in `state_dir`; the same command with the same
    hydra.run.dir resumes from it. The state is removed once the model is fitted."""
    seed_everything(cfg.seed)
    model = build_model(cfg.model, cfg.task.name)
    model.fit(train, dev, cfg.trainer, seed=cfg.seed, logger=logger, intermediate=intermediate, state_dir=state_dir)
    if distributed.is_main():
        shutil.rmtree(state_dir, ignore_errors=True)
    if distributed.is_main() and state_dir.parent.is_dir() and not any(state_dir.parent.iterdir()):
        state_dir.parent.rmdir()
    return model


def _with_extra(train, extra):
    """The training part plus the `extra_train` sets (other sources that are trained on but never scored)."""
    return concatenate_datasets([train, *extra]) if extra else train


def run_train(cfg, run_dir: str | Path) -> dict:
    run_dir = Path(run_dir)
    main = distributed.is_main()  # under torchrun every rank trains; rank 0 alone writes the run folder
    run_dir.mkdir(parents=True, exist_ok=True)
    seed_everything(cfg.seed)
    ds = _task_rows(load_data(cfg.data), cfg.task.name)
    if len(ds) == 0:
        raise ValueError(f"data {cfg.data.name} has no {cfg.task.name} labels")
    logger = RunLogger(run_dir if main else None, cfg.logger.name, cfg.logger.progress and main)
    extra = [_task_rows(load_data(dcfg), cfg.task.name) for dcfg in cfg.extra_train.values()]
    intermediate = Intermediate((name, load_data(dcfg)) for name, dcfg in cfg.intermediate.items())
    primary = heads_for(cfg.task.name)[0]
    if main:
        atomic_write_text(run_dir / "config.yaml", OmegaConf.to_yaml(cfg))
    print(
        f"{cfg.data.name}: {len(ds)} instances, {len(set(ds['doc_id']))} documents; task={cfg.task.name} "
        f"model={cfg.model.name} seed={cfg.seed}"
        + "".join(f"; + {len(e)} training-only rows from {n}" for n, e in zip(cfg.extra_train, extra))
    )

    if cfg.cv:
        folds, oof = [], {}
        for k, (tr_idx, te_idx) in enumerate(iter_folds(ds, cfg.cv, cfg.seed, primary)):
            train, test = ds.select(tr_idx), ds.select(te_idx)
            dev = None
            if cfg.model.kind == "finetune":
                tr2, dev_idx = grouped_dev_split(train, cfg.trainer.dev_fraction, cfg.seed)
                train, dev = train.select(tr2), train.select(dev_idx)
            model = _fit(
                cfg, _with_extra(train, extra), dev, logger, intermediate, run_dir / "train_state" / f"fold{k}"
            )
            proba = model.predict_proba(test.to_list(), cfg.trainer.eval_batch_size)
            result = score(model, test, seed=cfg.seed, proba=proba)
            folds.append(result)
            logger.log({"fold": k, **{f"{h}_macro_f1": m["macro_f1"] for h, m in result.items()}, "n": len(test)})
            for i, row in enumerate(test):
                oof[row["id"]] = {
                    "id": row["id"],
                    "doc_id": row["doc_id"],
                    "fold": k,
                    **{h: proba[h][i].round(5).tolist() for h in model.labels},
                }
        # pooled out-of-fold predictions: one score over every instance, CI by document bootstrap
        ids = ds["id"]
        pooled_proba = {h: np.array([oof[i][h] for i in ids]) for h in model.labels}
        pooled = score(model, ds, seed=cfg.seed, proba=pooled_proba, plots_dir=run_dir if main else None, prefix="oof_")
        metrics = {
            "mode": f"cv={cfg.cv}",
            "task": cfg.task.name,
            "model": cfg.model.name,
            "data": cfg.data.name,
            "seed": cfg.seed,
            "folds": folds,
            "mean_std": {h: summarize_folds([f[h] for f in folds if h in f]) for h in model.labels},
            "pooled": pooled,
            **headline(pooled),
        }
        if main:
            atomic_write_text(run_dir / "oof_predictions.jsonl", "".join(json.dumps(oof[i]) + "\n" for i in ids))
        print(format_table(pooled[primary], f"{primary}: out-of-fold, pooled over {len(folds)} folds"))
        ms = metrics["mean_std"][primary]["macro_f1"]
        print(f"per-fold macro-F1 {ms['mean']:.3f} +/- {ms['std']:.3f}")
    else:
        if cfg.trainer.dev_fraction > 0:
            tr_idx, dev_idx = grouped_dev_split(ds, cfg.trainer.dev_fraction, cfg.seed)
            train, dev = ds.select(tr_idx), ds.select(dev_idx)
        else:  # train on everything for the configured epochs; the scores below are in-sample, and say so
            train, dev = ds, None
        model = _fit(cfg, _with_extra(train, extra), dev, logger, intermediate, run_dir / "train_state" / "main")
        split = "dev" if dev is not None else "train_in_sample"
        results = {
            split: score(
                model,
                dev if dev is not None else train,
                seed=cfg.seed,
                plots_dir=run_dir if main else None,
                prefix=f"{split}_",
            )
        }
        for name, dcfg in cfg.eval_data.items():
            scored = _task_rows(load_data(dcfg), cfg.task.name)
            results[name] = score(model, scored, seed=cfg.seed, plots_dir=run_dir if main else None, prefix=f"{name}_")
            print(format_table(results[name][primary], f"{primary} on {name}"))
        metrics = {
            "mode": "dev",
            "task": cfg.task.name,
            "model": cfg.model.name,
            "data": cfg.data.name,
            "seed": cfg.seed,
            "results": results,
            **headline(results[split]),
        }
        if hasattr(model, "fit_info"):
            metrics["fit"] = model.fit_info
        print(format_table(results[split][primary], f"{primary} on {split.replace('_', ' ')}"))
        if cfg.save_checkpoint and main:
            resolved = OmegaConf.to_container(cfg, resolve=True)
            meta = {
                "task": model.task,
                "kind": model.kind,
                "labels": model.labels,
                "config": resolved,
                "data_sha256": data_fingerprint(_with_extra(ds, extra)),
            }
            sources = [  # the main data, then the training-only sets
                p
                for d in [resolved["data"], *resolved["extra_train"].values()]
                for p in (d["path"] if isinstance(d["path"], list) else [d["path"]])
            ]
            save_checkpoint(
                model,
                run_dir / "checkpoint",
                config=resolved,
                data_hash=meta["data_sha256"],
                metrics=metrics,
                card=model_card(meta, results, sources),
            )
            print(f"checkpoint: {run_dir / 'checkpoint'}")
    if main:
        atomic_write_json(run_dir / "metrics.json", metrics)
    distributed.barrier()
    return metrics
