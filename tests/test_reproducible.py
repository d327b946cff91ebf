"""Same seed, same metrics; a killed transformer run resumes from its last epoch to the same result."""

import pytest

import stance.models.finetune as finetune
from stance.train import run_train
from tests.conftest import compose


def _cfg(instances_file, *extra):
    return compose("train", ["data=instances", f"data.path={instances_file}", "logger.progress=false", *extra])


def test_tiny_transformer_same_seed_same_metrics(instances_file, tiny_bert, tmp_path):
    args = ["model=minilm", f"model.pretrained={tiny_bert}", "trainer.epochs=2", "trainer.threads=1", "cv=0", "seed=5"]
    a = run_train(_cfg(instances_file, *args), tmp_path / "a")
    b = run_train(_cfg(instances_file, *args), tmp_path / "b")
    assert a["results"] == b["results"]
    assert not (tmp_path / "a/train_state").exists()  # removed once the model is fitted


def test_killed_run_resumes_to_the_same_result(instances_file, tiny_bert, tmp_path, monkeypatch):
    args = [
        "model=minilm",
        f"model.pretrained={tiny_bert}",
        "trainer.epochs=3",
        "trainer.patience=5",
        "trainer.threads=1",
        "cv=0",
        "seed=2",
    ]
    straight = run_train(_cfg(instances_file, *args), tmp_path / "straight")

    real, calls = finetune.dev_score, []

    def dies_in_epoch_two(*a, **k):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the run is killed during epoch 2's evaluation
        return real(*a, **k)

    monkeypatch.setattr(finetune, "dev_score", dies_in_epoch_two)
    with pytest.raises(KeyboardInterrupt):
        run_train(_cfg(instances_file, *args), tmp_path / "killed")
    assert (tmp_path / "killed/train_state/main/train_state.json").is_file()
    assert not (tmp_path / "killed/metrics.json").exists() and not (tmp_path / "killed/checkpoint").exists()
    monkeypatch.setattr(finetune, "dev_score", real)
    resumed = run_train(_cfg(instances_file, *args), tmp_path / "killed")
    assert resumed["results"] == straight["results"]

    with pytest.raises(KeyboardInterrupt):
        monkeypatch.setattr(finetune, "dev_score", dies_in_epoch_two)
        calls.clear()
        run_train(_cfg(instances_file, *args), tmp_path / "other")
    monkeypatch.setattr(finetune, "dev_score", real)
    with pytest.raises(ValueError, match="another config or data"):
        run_train(_cfg(instances_file, *args[:-1], "seed=3"), tmp_path / "other")


def test_baseline_same_seed_same_metrics(instances_file, tmp_path):
    a = run_train(_cfg(instances_file, "model=tfidf_lr", "cv=3", "seed=1"), tmp_path / "a")
    b = run_train(_cfg(instances_file, "model=tfidf_lr", "cv=3", "seed=1"), tmp_path / "b")
    assert a["pooled"] == b["pooled"]
