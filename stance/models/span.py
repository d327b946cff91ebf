"""Sentence-once encoding (`model.input=span`): a sentence passes the encoder once for all of its candidate pairs.

A pair is represented by pooling the encoder's hidden states over its actor span and over its target span (the
mean over their tokens), beside the sentence mean: the entity-span design of relation classifiers. Nothing
pair-specific enters the encoder, so a sentence with k candidate pairs costs one forward pass instead of k.
An actor without a span in the sentence (a speaker's "we", a pronoun resolved elsewhere) takes a learned
"implicit actor" vector; every target code adds a learned embedding, which also stands in for a target not named in
the sentence. The target codes are the ones seen in training, saved with the checkpoint; others map to "unknown".
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from stance.encoding import mention_span

UNKNOWN_TARGET = "<unknown>"


class SpanPairClassifier(nn.Module):
    def __init__(self, encoder: nn.Module, heads: dict[str, int], target_codes: list[str], dropout: float):
        super().__init__()
        self.encoder = encoder
        hidden = encoder.config.hidden_size
        self.dropout = nn.Dropout(dropout)
        self.target_embedding = nn.Embedding(len(target_codes), hidden)
        nn.init.normal_(self.target_embedding.weight, std=0.02)
        self.implicit_actor = nn.Parameter(torch.zeros(hidden))
        self.heads = nn.ModuleDict({h: nn.Linear(3 * hidden, n) for h, n in heads.items()})

    def features(
        self, input_ids, attention_mask, sentence_index, actor_mask, target_mask, target_code, token_type_ids=None
    ) -> torch.Tensor:
        """input_ids: (sentences, length); the rest are per pair: sentence_index (pairs,), masks (pairs, length)."""
        kwargs = {"token_type_ids": token_type_ids} if token_type_ids is not None else {}
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask, **kwargs).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        mean = ((hidden * mask).sum(1) / mask.sum(1).clamp(min=1))[sentence_index]
        per_pair = hidden[sentence_index]
        target_emb = self.target_embedding(target_code).to(hidden.dtype)

        def pool(span_mask: torch.Tensor, fallback: torch.Tensor) -> torch.Tensor:
            span_mask = span_mask.to(hidden.dtype)
            n = span_mask.sum(1, keepdim=True)
            pooled = torch.einsum("pl,plh->ph", span_mask, per_pair) / n.clamp(min=1)
            return torch.where(n > 0, pooled, fallback)

        actor = pool(actor_mask, self.implicit_actor.to(hidden.dtype).expand_as(mean))
        target = pool(target_mask, torch.zeros_like(mean)) + target_emb
        return torch.cat([mean, actor, target], dim=-1)

    def forward(self, **batch) -> dict[str, torch.Tensor]:
        feats = self.dropout(self.features(**batch))
        return {h: head(feats) for h, head in self.heads.items()}


def _token_mask(offsets: list[tuple[int, int]], span: tuple[int, int] | None) -> list[int]:
    """Indices of the tokens that overlap a character span (special tokens have empty offsets)."""
    if span is None:
        return []
    start, end = span
    return [i for i, (s, e) in enumerate(offsets) if e > s and s < end and e > start]


class SentenceEncoded:
    """Each distinct sentence tokenised once; pairs point at their sentence and at their mention tokens."""

    def __init__(self, tokenizer, rows: list[dict], target_codes: list[str], max_length: int):
        index: dict[str, int] = {}
        self.sentence = np.array([index.setdefault(r["text"], len(index)) for r in rows], dtype=np.int64)
        enc = tokenizer(list(index), truncation=True, max_length=max_length, return_offsets_mapping=True)
        self.input_ids = enc["input_ids"]
        self.token_type_ids = enc.get("token_type_ids")
        offsets = enc["offset_mapping"]
        code_id = {c: i for i, c in enumerate(target_codes)}
        self.target_code = np.array([code_id.get(r["target"], 0) for r in rows], dtype=np.int64)
        self.actor_tokens, self.target_tokens = [], []
        for r, s in zip(rows, self.sentence):
            # a mention cut off by truncation leaves an empty mask: the pair falls back as if it were implicit
            self.actor_tokens.append(_token_mask(offsets[s], mention_span(r, "actor", r["text"])))
            self.target_tokens.append(_token_mask(offsets[s], mention_span(r, "target", r["text"])))
        self.pad_id = tokenizer.pad_token_id

    def __len__(self) -> int:
        return len(self.sentence)

    def lengths(self) -> np.ndarray:
        """Per pair, the token length of its sentence."""
        return np.array([len(self.input_ids[s]) for s in self.sentence])

    def inference_batches(self, batch_size: int) -> list[np.ndarray]:
        """Pairs sorted by sentence length, cut so that each batch holds at most `batch_size` distinct sentences
        and no sentence is split between batches."""
        order = np.lexsort((self.sentence, -self.lengths()))
        batches, current, seen = [], [], set()
        for i in order:
            s = self.sentence[i]
            if s not in seen and len(seen) == batch_size:
                batches.append(np.array(current))
                current, seen = [], set()
            seen.add(s)
            current.append(i)
        if current:
            batches.append(np.array(current))
        return batches

    def batch(self, idx) -> dict[str, torch.Tensor]:
        local: dict[int, int] = {}
        sentence_index = [local.setdefault(int(self.sentence[i]), len(local)) for i in idx]
        sentences = list(local)
        width = max(len(self.input_ids[s]) for s in sentences)
        ids = torch.full((len(sentences), width), self.pad_id, dtype=torch.long)
        types = torch.zeros((len(sentences), width), dtype=torch.long)
        for row, s in enumerate(sentences):
            ids[row, : len(self.input_ids[s])] = torch.tensor(self.input_ids[s])
            if self.token_type_ids is not None:
                types[row, : len(self.input_ids[s])] = torch.tensor(self.token_type_ids[s])
        actor = torch.zeros((len(idx), width))
        target = torch.zeros((len(idx), width))
        for row, i in enumerate(idx):
            actor[row, self.actor_tokens[i]] = 1.0
            target[row, self.target_tokens[i]] = 1.0
        out = {
            "input_ids": ids,
            "attention_mask": (ids != self.pad_id).long(),
            "sentence_index": torch.tensor(sentence_index, dtype=torch.long),
            "actor_mask": actor,
            "target_mask": target,
            "target_code": torch.tensor(self.target_code[np.asarray(idx)], dtype=torch.long),
        }
        out["attention_mask"][:, 0] = 1
        if self.token_type_ids is not None:
            out["token_type_ids"] = types
        return out
