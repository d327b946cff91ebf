"""Fine-tuned transformer: one encoder, one linear head per task head (stance, sentiment).

Input: the sentence with the actor mention in [[ ]] and the target mention in {{ }}, paired with a query naming
actor and target (see stance.encoding). Representation: the mean of all tokens concatenated with the hidden states
at the actor and target markers (the mean stands in when a mention is implicit).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from stance.encoding import ACTOR_MARK, TARGET_MARK, marked_pair
from stance.models.base import StanceModel
from stance.models.pretrained import resolve_pretrained


class PairClassifier(nn.Module):
    def __init__(self, encoder: nn.Module, heads: dict[str, int], marker_ids: tuple[int, int], dropout: float):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.heads = nn.ModuleDict({h: nn.Linear(3 * hidden, n) for h, n in heads.items()})
        self.marker_ids = marker_ids  # first token id of the actor and of the target marker

    def features(self, input_ids, attention_mask, token_type_ids=None) -> torch.Tensor:
        kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **kwargs).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1)
        pooled = [mean]
        for marker in self.marker_ids:
            hits = input_ids == marker
            pos = hits.float().argmax(1)
            at = hidden[torch.arange(hidden.size(0)), pos]
            pooled.append(torch.where(hits.any(1, keepdim=True), at, mean))
        return torch.cat(pooled, dim=-1)

    def forward(self, input_ids, attention_mask, token_type_ids=None) -> dict[str, torch.Tensor]:
        feats = self.dropout(self.features(input_ids, attention_mask, token_type_ids))
        return {h: head(feats) for h, head in self.heads.items()}


def marker_token_ids(tokenizer) -> tuple[int, int]:
    return tuple(tokenizer.convert_tokens_to_ids(tokenizer.tokenize(m[0]))[0] for m in (ACTOR_MARK, TARGET_MARK))


class Encoded:
    """Tokenised pairs, kept unpadded; batches are padded to their own longest row."""

    def __init__(self, tokenizer, rows: list[dict], names: dict, max_length: int, use_context: bool):
        pairs = [marked_pair(r, names, use_context) for r in rows]
        # Over-long pairs lose tokens from the longer segment first; a marker cut off falls back to the mean.
        enc = tokenizer([a for a, _ in pairs], [b for _, b in pairs], truncation="longest_first", max_length=max_length)
        self.input_ids = enc["input_ids"]
        self.token_type_ids = enc.get("token_type_ids")
        self.pad_id = tokenizer.pad_token_id

    def __len__(self) -> int:
        return len(self.input_ids)

    def lengths(self) -> np.ndarray:
        return np.array([len(x) for x in self.input_ids])

    def batch(self, idx) -> dict[str, torch.Tensor]:
        width = max(len(self.input_ids[i]) for i in idx)
        ids = torch.full((len(idx), width), self.pad_id, dtype=torch.long)
        types = torch.zeros((len(idx), width), dtype=torch.long)
        for row, i in enumerate(idx):
            seq = self.input_ids[i]
            ids[row, : len(seq)] = torch.tensor(seq)
            if self.token_type_ids is not None:
                types[row, : len(seq)] = torch.tensor(self.token_type_ids[i])
        out = {"input_ids": ids, "attention_mask": (ids != self.pad_id).long()}
        out["attention_mask"][:, 0] = 1
        if self.token_type_ids is not None:
            out["token_type_ids"] = types
        return out


class FineTunedModel(StanceModel):
    kind = "finetune"

    def _build(self, encoder_path: Path | None = None, config=None) -> None:
        from transformers import AutoModel, AutoTokenizer

        source = encoder_path or resolve_pretrained(self.cfg.pretrained)
        self.tokenizer = AutoTokenizer.from_pretrained(str(source))
        encoder = AutoModel.from_pretrained(str(source)) if config is None else AutoModel.from_config(config)
        heads = {h: len(labels) for h, labels in self.labels.items()}
        self.net = PairClassifier(encoder, heads, marker_token_ids(self.tokenizer), self.cfg.dropout)

    def encode(self, rows: list[dict]) -> Encoded:
        return Encoded(self.tokenizer, rows, self.names, self.cfg.max_length, self.cfg.use_context)

    def fit(self, train, dev, trainer_cfg, seed: int = 0, logger=None, intermediate=(), state_dir=None) -> None:
        from stance.lexicon import actor_names
        from stance.models.finetune import fit_model

        torch.manual_seed(seed)
        self.names = actor_names()
        self._build()
        self.fit_info = fit_model(self, train, dev, trainer_cfg, seed, logger, intermediate, state_dir)

    @torch.inference_mode()
    def predict_proba(self, rows, batch_size: int = 64) -> dict[str, np.ndarray]:
        rows = rows.to_list() if hasattr(rows, "to_list") else list(rows)
        self.net.eval()
        enc = self.encode(rows)
        out = {h: np.zeros((len(rows), len(labels)), dtype=np.float32) for h, labels in self.labels.items()}
        order = np.argsort(-enc.lengths(), kind="stable")  # length-sorted batches pad little
        for start in range(0, len(order), batch_size):
            idx = order[start : start + batch_size]
            logits = self.net(**enc.batch(idx))
            for h in self.labels:
                out[h][idx] = torch.softmax(logits[h].float(), -1).numpy()
        return out

    def save_files(self, folder: Path) -> None:
        save_file({k: v.contiguous() for k, v in self.net.state_dict().items()}, str(folder / "model.safetensors"))
        self.net.encoder.config.save_pretrained(folder / "encoder")
        self.tokenizer.save_pretrained(folder / "encoder")
        (folder / "actor_names.json").write_text(json.dumps(self.names, indent=1, sort_keys=True))

    @classmethod
    def load_files(cls, folder: Path, meta: dict) -> FineTunedModel:
        from omegaconf import OmegaConf
        from transformers import AutoConfig

        model = cls(meta["task"], OmegaConf.create(meta["config"]["model"]))
        model.names = json.loads((folder / "actor_names.json").read_text())
        model._build(folder / "encoder", AutoConfig.from_pretrained(str(folder / "encoder")))
        state = load_file(str(folder / "model.safetensors"))
        model.net.load_state_dict(state, strict=True)
        model.net.eval()
        return model
