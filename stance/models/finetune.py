"""The fine-tuning loop: class-weighted loss, linear warm-up/decay, early stopping on dev macro-F1.

A plain loop rather than the HF Trainer: two heads with partial labels and custom pooling fit in ~100 lines.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path

import numpy as np
import torch
from omegaconf import OmegaConf
from sklearn.metrics import f1_score
from torch import nn
from tqdm.auto import tqdm

from stance import distributed
from stance.models.train_state import load_state, save_state


def _targets(rows: list[dict], labels: dict[str, list[str]]) -> dict[str, torch.Tensor]:
    """Label ids per head; -100 where a row has no label for that head (ignored by the loss)."""
    return {
        h: torch.tensor([labs.index(r[h]) if r.get(h) is not None else -100 for r in rows], dtype=torch.long)
        for h, labs in labels.items()
    }


def _loss_fns(targets: dict[str, torch.Tensor], labels: dict, balanced: bool) -> dict[str, nn.Module]:
    fns = {}
    for h, y in targets.items():
        weight = None
        if balanced:
            counts = torch.bincount(y[y >= 0], minlength=len(labels[h])).float()
            weight = (counts.sum() / (len(counts) * counts.clamp(min=1))).clamp(max=10.0)
        fns[h] = nn.CrossEntropyLoss(weight=weight, ignore_index=-100)
    return fns


def dev_score(model, rows: list[dict], batch_size: int) -> float:
    """Mean macro-F1 over the heads that have labels in `rows`."""
    proba = model.predict_proba(rows, batch_size)
    scores = []
    for h, labs in model.labels.items():
        keep = [i for i, r in enumerate(rows) if r.get(h) is not None]
        if keep:
            gold = [r[h] for r in (rows[i] for i in keep)]
            pred = [labs[j] for j in proba[h][keep].argmax(1)]
            scores.append(f1_score(gold, pred, labels=labs, average="macro", zero_division=0))
    return float(np.mean(scores)) if scores else 0.0


def run_epochs(
    model,
    rows: list[dict],
    dev_rows: list[dict] | None,
    cfg,
    epochs: int,
    seed: int,
    logger=None,
    phase: str = "train",
    state_dir: Path | None = None,
) -> dict:
    """Train for `epochs`; with `state_dir`, save the loop's state after each epoch and resume from it if present."""
    net = model.net
    train_net = distributed.wrap(net)  # DDP under torchrun; `net` itself otherwise
    enc = model.encode(rows)
    targets = _targets(rows, model.labels)
    loss_fns = _loss_fns(targets, model.labels, cfg.class_weights)
    encoder_params = list(net.encoder.parameters())
    head_params = [p for n, p in net.named_parameters() if not n.startswith("encoder.")]
    optim = torch.optim.AdamW(
        [{"params": encoder_params, "lr": cfg.lr}, {"params": head_params, "lr": cfg.head_lr}],
        weight_decay=cfg.weight_decay,
    )
    per_rank = len(rows) // distributed.world_size()  # every rank takes the same number of steps
    steps_per_epoch = max(1, -(-per_rank // cfg.batch_size))
    total = steps_per_epoch * epochs
    warmup = int(cfg.warmup_ratio * total)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: (s + 1) / max(1, warmup) if s < warmup else max(0.0, (total - s) / max(1, total - warmup))
    )
    best = {"score": -1.0, "state": None, "epoch": 0}
    stale, first, done = 0, 1, False
    fingerprint = hashlib.sha256(
        json.dumps([OmegaConf.to_container(cfg), OmegaConf.to_container(model.cfg), seed, len(rows), phase]).encode()
    ).hexdigest()
    restored = load_state(state_dir, net, optim, sched) if state_dir is not None else None
    if restored is not None:
        loop, best_weights = restored
        if loop["fingerprint"] != fingerprint:
            raise ValueError(
                f"{state_dir} holds the state of a run with another config or data; resume with the "
                f"same settings, or use a new hydra.run.dir"
            )
        best = {"score": loop["best_score"], "state": best_weights, "epoch": loop["best_epoch"]}
        stale, first, done = loop["stale"], loop["epoch"] + 1, loop["done"]
        print(f"  resumed {phase} from {state_dir} after epoch {loop['epoch']}")
    progress = logger is None or logger.progress
    for epoch in range(first, epochs + 1):
        if done:
            break
        net.train()
        # the order of an epoch depends on (seed, epoch) only, so a resumed run sees the same batches
        order = torch.randperm(len(rows), generator=torch.Generator().manual_seed(seed * 10_007 + epoch)).tolist()
        order = distributed.shard(order[: per_rank * distributed.world_size()])
        running = 0.0
        bar = tqdm(
            range(0, len(order), cfg.batch_size),
            desc=f"{phase} epoch {epoch}/{epochs}",
            disable=not progress,
            leave=False,
        )
        for start in bar:
            idx = order[start : start + cfg.batch_size]
            logits = train_net(**enc.batch(idx))
            loss = sum(loss_fns[h](logits[h], targets[h][idx]) for h in model.labels if (targets[h][idx] >= 0).any())
            optim.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), 1.0)
            optim.step()
            sched.step()
            running += loss.item()
            bar.set_postfix(loss=f"{running / (start // cfg.batch_size + 1):.3f}")
        record = {"phase": phase, "epoch": epoch, "train_loss": running / steps_per_epoch}
        if dev_rows:
            record["dev_macro_f1"] = dev_score(model, dev_rows, cfg.eval_batch_size)
            if record["dev_macro_f1"] > best["score"]:
                best = {"score": record["dev_macro_f1"], "state": copy.deepcopy(net.state_dict()), "epoch": epoch}
                stale = 0
            else:
                stale += 1
        if logger is not None:
            logger.log(record)
        done = bool(dev_rows) and stale >= cfg.patience
        if state_dir is not None and distributed.is_main():
            save_state(
                state_dir,
                net,
                optim,
                sched,
                {
                    "epoch": epoch,
                    "stale": stale,
                    "done": done,
                    "fingerprint": fingerprint,
                    "best_score": best["score"],
                    "best_epoch": best["epoch"],
                },
                best["state"],
            )
    if best["state"] is not None:
        net.load_state_dict(best["state"])
    return {"best_epoch": best["epoch"], "best_dev_macro_f1": best["score"]}


def _intermediate(model, intermediate, cfg, seed: int, logger) -> None:
    """Transfer: train on other labelled data first (DSE for stance, NewsMTSC for sentiment), adding a head for
    a label field the task itself lacks and dropping it afterwards."""
    from stance.labels import TASK_LABELS

    if not intermediate:
        return
    key = (seed, tuple(getattr(model, "target_codes", ())), tuple(model.labels))
    trained = getattr(intermediate, "trained", None)
    if trained is not None and key in trained:
        model.net.load_state_dict(trained[key])
        return
    for name, ds in intermediate:
        rows = ds.to_list()
        extra = [h for h in TASK_LABELS if h not in model.labels and any(r.get(h) for r in rows)]
        saved_labels = dict(model.labels)
        hidden = model.net.encoder.config.hidden_size
        for h in extra:
            model.net.heads[h] = nn.Linear(3 * hidden, len(TASK_LABELS[h]))
            model.labels[h] = list(TASK_LABELS[h])
        run_epochs(model, rows, None, cfg, cfg.intermediate_epochs, seed, logger, phase=f"intermediate:{name}")
        for h in extra:
            del model.net.heads[h]
        model.labels = saved_labels
    if trained is not None:
        trained[key] = copy.deepcopy(model.net.state_dict())


def fit_model(model, train, dev, cfg, seed: int, logger=None, intermediate=(), state_dir: Path | None = None) -> dict:
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    if state_dir is None or not state_dir.exists():  # a saved main-phase state already includes the transfer
        _intermediate(model, intermediate, cfg, seed, logger)
    rows = train.to_list()
    dev_rows = dev.to_list() if dev is not None and len(dev) else None
    return run_epochs(model, rows, dev_rows, cfg, cfg.epochs, seed, logger, state_dir=state_dir)
