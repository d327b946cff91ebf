"""Frozen encoder + logistic regression (SetFit-style head, cheap on a CPU).

The pretrained encoder is not trained: its pooled features (the same mean + marker pooling as the fine-tuned
model) feed one balanced logistic regression per head. The checkpoint stores only the regression weights
(safetensors) and names the encoder, whose weights are integrity-checked when it is resolved again.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import load_file, save_file
from sklearn.linear_model import LogisticRegression
from tqdm.auto import tqdm

from stance.io import sha256_file
from stance.models.base import StanceModel
from stance.models.pretrained import resolve_pretrained
from stance.models.transformer import FineTunedModel


class FrozenLRModel(StanceModel):
    kind = "frozen_lr"

    def _encoder(self):
        self.encoder = FineTunedModel(self.task, self.cfg)
        self.encoder._build()
        self.encoder.names = self.names
        self.encoder.net.eval()

    @torch.inference_mode()
    def features(self, rows: list[dict], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        enc = self.encoder.encode(rows)
        out = np.zeros((len(rows), 3 * self.encoder.net.encoder.config.hidden_size), dtype=np.float32)
        order = np.argsort(-enc.lengths(), kind="stable")
        for start in tqdm(range(0, len(order), batch_size), desc="encode", disable=not progress, leave=False):
            idx = order[start : start + batch_size]
            out[idx] = self.encoder.net.features(**enc.batch(idx)).numpy()
        return out

    def fit(
        self, train, dev=None, trainer_cfg=None, seed: int = 0, logger=None, intermediate=(), state_dir=None
    ) -> None:
        from stance.lexicon import actor_names

        if trainer_cfg is not None and trainer_cfg.threads:
            torch.set_num_threads(trainer_cfg.threads)
        self.names = actor_names()
        self._encoder()
        rows = train.to_list()
        feats = self.features(rows, progress=logger is None or logger.progress)
        self.weights = {}
        for head, labels in self.labels.items():
            keep = [i for i, r in enumerate(rows) if r.get(head) is not None]
            clf = LogisticRegression(C=self.cfg.C, class_weight="balanced", max_iter=3000, random_state=seed)
            clf.fit(feats[keep], [rows[i][head] for i in keep])
            coef = np.zeros((len(labels), feats.shape[1]), dtype=np.float32)
            bias = np.full(len(labels), -1e4, dtype=np.float32)  # a label unseen in training is never predicted
            classes = list(clf.classes_)
            if len(classes) == 2:  # sklearn stores one row for two classes: expand to a softmax over both
                rows2 = np.stack([-clf.coef_[0] / 2, clf.coef_[0] / 2])
                bias2 = np.array([-clf.intercept_[0] / 2, clf.intercept_[0] / 2])
            else:
                rows2, bias2 = clf.coef_, clf.intercept_
            for k, lab in enumerate(classes):
                coef[labels.index(lab)], bias[labels.index(lab)] = rows2[k], bias2[k]
            self.weights[head] = (coef, bias)

    def predict_proba(self, rows, batch_size: int = 64) -> dict[str, np.ndarray]:
        rows = rows.to_list() if hasattr(rows, "to_list") else list(rows)
        feats = self.features(rows, batch_size)
        out = {}
        for head, (coef, bias) in self.weights.items():
            logits = feats @ coef.T + bias
            logits -= logits.max(1, keepdims=True)
            p = np.exp(logits)
            out[head] = p / p.sum(1, keepdims=True)
        return out

    def save_files(self, folder: Path) -> None:
        tensors = {}
        for head, (coef, bias) in self.weights.items():
            tensors[f"{head}.coef"], tensors[f"{head}.bias"] = coef, bias
        save_file(tensors, str(folder / "heads.safetensors"))
        weights = resolve_pretrained(self.cfg.pretrained)
        info = {"pretrained": self.cfg.pretrained, "sha256": sha256_file(_weights_file(weights))}
        (folder / "encoder.json").write_text(json.dumps(info, indent=1))
        (folder / "actor_names.json").write_text(json.dumps(self.names, indent=1, sort_keys=True))

    @classmethod
    def load_files(cls, folder: Path, meta: dict) -> FrozenLRModel:
        from omegaconf import OmegaConf

        model = cls(meta["task"], OmegaConf.create(meta["config"]["model"]))
        info = json.loads((folder / "encoder.json").read_text())
        actual = sha256_file(_weights_file(resolve_pretrained(info["pretrained"])))
        if actual != info["sha256"]:
            raise ValueError(f"{folder}: encoder {info['pretrained']} has changed since training (sha256 {actual})")
        model.names = json.loads((folder / "actor_names.json").read_text())
        model._encoder()
        tensors = load_file(str(folder / "heads.safetensors"))
        model.weights = {h: (tensors[f"{h}.coef"], tensors[f"{h}.bias"]) for h in model.labels}
        return model


def _weights_file(folder: Path) -> Path:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (folder / name).is_file():
            return folder / name
    raise FileNotFoundError(f"{folder}: no model.safetensors")
