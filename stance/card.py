"""The model card written into every checkpoint (README.md with YAML front matter)."""

from __future__ import annotations

import yaml


def _data_line(name: str) -> str:
    every = " (all silver sources: news, UN speeches, UN statements)" if name == "silver_all" else ""
    return f"`data={name}`{every}:"


def model_card(meta: dict, metrics: dict, data_sources: list[str]) -> str:
    head_lines, front_metrics = [], []
    for split, result in metrics.items():
        for head, m in result.items():
            lo, hi = m["macro_f1_ci95"]
            head_lines.append(
                f"| {split} | {head} | {m['macro_f1']:.3f} [{lo:.3f}, {hi:.3f}] | {m['accuracy']:.3f} "
                f"| {m['ece']:.3f} | {m['n']} |"
            )
            front_metrics.append(
                {
                    "split": split,
                    "head": head,
                    "macro_f1": round(m["macro_f1"], 4),
                    "macro_f1_ci95": [round(lo, 4), round(hi, 4)],
                    "n": m["n"],
                }
            )
    front = {
        "library_name": "stance",
        "task": meta["task"],
        "model_kind": meta["kind"],
        "base_model": meta["config"]["model"].get("pretrained") if meta["kind"] in ("finetune", "frozen_lr") else None,
        "input": meta["config"]["model"].get("input", "marked") if meta["kind"] == "finetune" else None,
        "labels": meta["labels"],
        "training_data_name": meta["config"]["data"]["name"],
        "training_data": data_sources,
        "training_data_sha256": meta["data_sha256"],
        "metrics": front_metrics,
    }
    return f"""---
{yaml.safe_dump(front, sort_keys=False).strip()}
---
# stance checkpoint: {meta["config"]["model"]["name"]} for `{meta["task"]}`

Classifies, for an (actor, target) pair in a sentence, the actor's stance (support / oppose / neutral) toward the
target and/or the sentiment of the text toward the target, following the project codebook. Targets: the Tripoli
government (`GNA`), Haftar's camp (`LNA`) and the UN-led process (`UN`).

## Training data
{_data_line(meta["config"]["data"]["name"])}
{chr(10).join(f"- `{s}`" for s in data_sources)}

(sha256 of the training rows: `{meta["data_sha256"][:16]}...`)

## Metrics (grouped held-out documents; 95% CI by bootstrap over documents)
| split | head | macro-F1 [95% CI] | accuracy | ECE | n |
|---|---|---|---|---|---|
{chr(10).join(head_lines)}

## Intended use
Research on how states and organisations position themselves toward the Libyan parties in English news and
speeches, aggregated over many sentences (see `scripts/predict.py` and `scripts/report.py`). Individual
predictions are noisy: read the evidence sentences before citing a single cell.

## Limits
- Trained on silver labels (one careful annotation per instance); the seed gold is small.
- English only; the codebook's actor codes and targets only; period-dependent codes follow the article date.
- Sentences longer than `max_length={meta["config"]["model"].get("max_length")}` tokens are truncated
  (longest segment first); a mention cut off by truncation falls back to sentence-level pooling.
"""
