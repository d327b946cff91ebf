"""Rebuild a results table from run folders (each with metrics.json): mean +/- std over seeds, with 95% CIs."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import numpy as np
import yaml


def collect(roots: list[str | Path]) -> list[dict]:
    rows = []
    for root in roots:
        for path in sorted(Path(root).rglob("metrics.json")):
            m = json.loads(path.read_text())
            if "macro_f1" not in m or "task" not in m:
                continue
            cfg = path.parent / "config.yaml"  # what was trained on besides the scored data, and what came first
            cfg = yaml.safe_load(cfg.read_text()) if cfg.is_file() else {}
            extra, first = sorted(cfg.get("extra_train") or {}), sorted(cfg.get("intermediate") or {})
            rows.append(
                {
                    "run": str(path.parent),
                    **m,
                    "data": m["data"] + (f" (+{', '.join(extra)} in training)" if extra else ""),
                    "model": m["model"] + (f" ({', '.join(first)} first)" if first else ""),
                    "settings": _settings(cfg),
                }
            )
    return _name_variants(rows)


# run-time knobs that do not change what is learned
_NOT_A_VARIANT = {"trainer.threads", "trainer.eval_batch_size"}


def _settings(cfg: dict) -> dict:
    """The model and trainer settings of a run, flattened (`trainer.lr`: 5e-05, ...)."""
    return {
        f"{group}.{k}": v
        for group in ("model", "trainer")
        for k, v in (cfg.get(group) or {}).items()
        if f"{group}.{k}" not in _NOT_A_VARIANT
    }


def _name_variants(rows: list[dict]) -> list[dict]:
    """Runs of one model on one data set that differ in a setting (learning rate, epochs, ...) are different rows of
    the table, not seeds of one: each is named by the settings in which it differs from the others."""
    groups = defaultdict(list)
    for r in rows:
        groups[(r["data"], r["model"])].append(r)
    for runs in groups.values():
        shared = set.intersection(*(set(r["settings"]) for r in runs))  # older runs may lack newer keys
        differing = sorted(k for k in shared if len({repr(r["settings"][k]) for r in runs}) > 1)
        for r in runs:
            if differing:
                r["model"] += " (" + ", ".join(f"{k}={r['settings'][k]}" for k in differing) + ")"
    return rows


def _evaluations(m: dict):
    """(split name, head, metrics) triples of one run: pooled out-of-fold for CV, dev and extra sets otherwise."""
    if m["mode"].startswith("cv"):
        for head, r in m["pooled"].items():
            yield f"{m['data']} {m['mode']}", head, r
            for src, rs in r.get("per_source", {}).items():
                yield f"{m['data']} {m['mode']} [{src}]", head, rs
    else:
        for split, result in m["results"].items():
            for head, r in result.items():
                yield (
                    (f"{m['data']} {split}" if split in ("dev", "train_in_sample") else f"{m['data']} -> {split}"),
                    head,
                    r,
                )


def summarize(rows: list[dict]) -> list[dict]:
    cells = defaultdict(list)
    for m in rows:
        for split, head, r in _evaluations(m):
            cells[(split, head, m["model"])].append((m["seed"], r))
    table = []
    for (split, head, model), runs in sorted(cells.items()):
        f1 = np.array([r["macro_f1"] for _, r in runs])
        lo = np.mean([r["macro_f1_ci95"][0] for _, r in runs])
        hi = np.mean([r["macro_f1_ci95"][1] for _, r in runs])
        acc = np.array([r["accuracy"] for _, r in runs])
        table.append(
            {
                "evaluation": split,
                "head": head,
                "model": model,
                "seeds": sorted(s for s, _ in runs),
                "macro_f1_mean": float(f1.mean()),
                "macro_f1_std": float(f1.std(ddof=1)) if len(f1) > 1 else 0.0,
                "ci95_mean": [float(lo), float(hi)],
                "accuracy_mean": float(acc.mean()),
                "n": runs[0][1]["n"],
            }
        )
    return table


def markdown(table: list[dict]) -> str:
    lines = [
        "| evaluation | head | model | seeds | macro-F1 mean +/- std | mean 95% CI | accuracy | n |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in table:
        lines.append(
            f"| {r['evaluation']} | {r['head']} | {r['model']} | {len(r['seeds'])} | "
            f"{r['macro_f1_mean']:.3f} +/- {r['macro_f1_std']:.3f} | "
            f"[{r['ci95_mean'][0]:.3f}, {r['ci95_mean'][1]:.3f}] | {r['accuracy_mean']:.3f} | {r['n']} |"
        )
    return "\n".join(lines) + "\n"


def _oof(run: Path) -> dict[str, dict]:
    path = run / "oof_predictions.jsonl"
    if not path.is_file():
        raise FileNotFoundError(f"{path} not found: compare needs two cross-validation run folders")
    return {o["id"]: o for o in map(json.loads, path.read_text().splitlines())}


def compare_runs(run_a: str | Path, run_b: str | Path, n_boot: int = 1000, seed: int = 0) -> dict:
    """Paired comparison of two CV runs on the same folds: pooled out-of-fold macro-F1 of A minus B per head,
    95% CI by resampling documents (the same resamples for both)."""
    from omegaconf import OmegaConf

    from stance.data.readers import load_data
    from stance.labels import label_maps
    from stance.metrics import paired_difference

    run_a, run_b = Path(run_a), Path(run_b)
    a, b = _oof(run_a), _oof(run_b)
    if {i: o["fold"] for i, o in a.items()} != {i: o["fold"] for i, o in b.items()}:
        raise ValueError(f"{run_a} and {run_b} were not scored on the same folds (same data, cv and seed)")
    cfg = OmegaConf.load(run_a / "config.yaml")
    gold = {r["id"]: r for r in load_data(cfg.data).to_list() if r["id"] in a}
    out = {"a": str(run_a), "b": str(run_b)}
    for head, labels in label_maps(cfg.task.name).items():
        ids = [i for i in a if gold[i].get(head) is not None and head in a[i] and head in b[i]]
        if not ids:
            continue
        pred = {run: [labels[int(np.argmax(oof[i][head]))] for i in ids] for run, oof in (("a", a), ("b", b))}
        out[head] = paired_difference(
            [gold[i][head] for i in ids], pred["a"], pred["b"], labels, [a[i]["doc_id"] for i in ids], n_boot, seed
        )
    return out
