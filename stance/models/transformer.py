"""Fine-tuned transformer: one encoder, one linear head per task head (stance, sentiment).

Two input forms (`model.input`):
- `marked` (default): the sentence with the actor mention in [[ ]] and the target mention in {{ }}, paired with a
  query naming actor and target (see stance.encoding); one encoder pass per pair. Representation: the mean of all
  tokens concatenated with the hidden states at the actor and target markers (the mean stands in when a mention is
  implicit).
- `span`: each sentence encoded once for all its pairs, mention spans pooled (stance.models.span).

Inference precision (`set_precision`): fp32, bf16 autocast (CPUs with native bf16), or dynamic int8 linear layers.
"""

from __future__ import annotations

import json
import os

# oneDNN keeps a compiled kernel per input shape (up to 1024); at bf16 each holds a converted copy of its weights,
# so a long predict run over sentences of every length grew by ~250 MB. A small cache costs no measurable speed
# (experiments/benchmarks/README.md). Read when the first kernel is built: set before any inference.
os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "8")
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from torch import nn

from stance.encoding import ACTOR_MARK, TARGET_MARK, marked_pair
from stance.models.base import StanceModel
from stance.models.pretrained import resolve_pretrained
from stance.models.span import UNKNOWN_TARGET, SentenceEncoded, SpanPairClassifier
from stance.timing import stage

PRECISIONS = ("fp32", "bf16", "int8")


def native_bf16() -> bool:
    """Whether this CPU computes in bf16 natively (AVX512-BF16 / AMX); elsewhere bf16 autocast is emulated, slow."""
    return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())


def resolve_precision(precision: str) -> str:
    """`auto` -> bf16 where the CPU has it natively (it agrees with fp32 on >99.8% of labels in
    experiments/benchmarks), else fp32."""
    if precision == "auto":
        return "bf16" if native_bf16() else "fp32"
    return precision


INPUTS = ("marked", "span")


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

    def inference_batches(self, batch_size: int) -> list[np.ndarray]:
        order = np.argsort(-self.lengths(), kind="stable")  # length-sorted batches pad little
        return [order[k : k + batch_size] for k in range(0, len(order), batch_size)]

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

    precision = "fp32"

    @property
    def input_form(self) -> str:
        form = self.cfg.get("input", "marked")
        if form not in INPUTS:
            raise ValueError(f"model.input={form!r} unknown; choose one of {INPUTS}")
        return form

    def _build(self, encoder_path: Path | None = None, config=None) -> None:
        from transformers import AutoModel, AutoTokenizer

        source = encoder_path or resolve_pretrained(self.cfg.pretrained)
        self.tokenizer = AutoTokenizer.from_pretrained(str(source))
        encoder = AutoModel.from_pretrained(str(source)) if config is None else AutoModel.from_config(config)
        heads = {h: len(labels) for h, labels in self.labels.items()}
        if self.input_form == "span":
            self.net = SpanPairClassifier(encoder, heads, self.target_codes, self.cfg.dropout)
        else:
            self.net = PairClassifier(encoder, heads, marker_token_ids(self.tokenizer), self.cfg.dropout)

    def encode(self, rows: list[dict]) -> Encoded | SentenceEncoded:
        if self.input_form == "span":
            return SentenceEncoded(self.tokenizer, rows, self.target_codes, self.cfg.max_length)
        return Encoded(self.tokenizer, rows, self.names, self.cfg.max_length, self.cfg.use_context)

    def set_precision(self, precision: str) -> FineTunedModel:
        """Inference at reduced precision. int8 replaces the linear layers by dynamically quantised ones (weights
        int8, activations quantised per batch); bf16 runs the forward pass under CPU autocast."""
        precision = resolve_precision(precision)
        if precision not in PRECISIONS:
            raise ValueError(f"precision={precision!r} unknown; choose auto or one of {PRECISIONS}")
        if precision == "bf16" and not native_bf16():
            raise ValueError("precision=bf16 needs a CPU with native bf16 (AVX512-BF16 or AMX); use fp32 or int8")
        if precision == self.precision:
            return self
        if self.precision != "fp32":
            raise ValueError(f"this model is already at precision {self.precision}; load the checkpoint again")
        if precision == "int8":
            import warnings

            with warnings.catch_warnings():  # torch.ao's eager quantisation warns that it is moving to torchao
                warnings.simplefilter("ignore")
                self.net = torch.ao.quantization.quantize_dynamic(self.net, {nn.Linear}, dtype=torch.qint8)
        self.precision = precision
        return self

    def fit(self, train, dev, trainer_cfg, seed: int = 0, logger=None, intermediate=(), state_dir=None) -> None:
        from stance.lexicon import actor_names
        from stance.models.finetune import fit_model

        torch.manual_seed(seed)
        self.names = actor_names()
        seen = {t for ds in [train, *(d for _, d in intermediate)] for t in ds["target"]}
        self.target_codes = [UNKNOWN_TARGET, *sorted(seen)]
        self._build()
        self.fit_info = fit_model(self, train, dev, trainer_cfg, seed, logger, intermediate, state_dir)

    @torch.inference_mode()
    def predict_proba(self, rows, batch_size: int = 64) -> dict[str, np.ndarray]:
        """`batch_size`: pairs per forward pass (`marked`), distinct sentences per forward pass (`span`)."""
        rows = rows.to_list() if hasattr(rows, "to_list") else list(rows)
        self.net.eval()
        with stage("tokenize"):
            enc = self.encode(rows)
        out = {h: np.zeros((len(rows), len(labels)), dtype=np.float32) for h, labels in self.labels.items()}
        with stage("encoder"), torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.precision == "bf16"):
            for idx in enc.inference_batches(batch_size):
                logits = self.net(**enc.batch(idx))
                for h in self.labels:
                    out[h][idx] = torch.softmax(logits[h].float(), -1).numpy()
        return out

    def save_files(self, folder: Path) -> None:
        if self.precision != "fp32":
            raise ValueError("a model set to reduced precision is for inference only; save the fp32 model")
        save_file({k: v.contiguous() for k, v in self.net.state_dict().items()}, str(folder / "model.safetensors"))
        self.net.encoder.config.save_pretrained(folder / "encoder")
        self.tokenizer.save_pretrained(folder / "encoder")
        (folder / "actor_names.json").write_text(json.dumps(self.names, indent=1, sort_keys=True))
        if self.input_form == "span":
            (folder / "target_codes.json").write_text(json.dumps(self.target_codes))

    @classmethod
    def load_files(cls, folder: Path, meta: dict) -> FineTunedModel:
        from omegaconf import OmegaConf
        from transformers import AutoConfig

        model = cls(meta["task"], OmegaConf.create(meta["config"]["model"]))
        model.names = json.loads((folder / "actor_names.json").read_text())
        if model.input_form == "span":
            model.target_codes = json.loads((folder / "target_codes.json").read_text())
        model._build(folder / "encoder", AutoConfig.from_pretrained(str(folder / "encoder")))
        state = load_file(str(folder / "model.safetensors"))
        model.net.load_state_dict(state, strict=True)
        model.net.eval()
        return model
