"""Scale-out paths: the Ray engine gives the local engine's output; launcher and sweeper presets compose."""

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT, compose

RAY_ARGS = ["engine=ray", "ray.num_cpus_total=2", "ray.concurrency=1", "ray.num_cpus=0.5", "ray.shard_size=2"]


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from stance.train import run_train
    from tests.conftest import make_instances, write_jsonl

    tmp = tmp_path_factory.mktemp("ckpt")
    data = write_jsonl(tmp / "i.jsonl", make_instances())
    run_train(
        compose("train", ["model=tfidf_lr", "data=instances", f"data.path={data}", "cv=0", "logger.progress=false"]),
        tmp / "run",
    )
    return tmp / "run/checkpoint"


def _predict(*args):
    return subprocess.run(
        [sys.executable, "scripts/predict.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


def test_ray_engine_equals_local_engine_on_the_seeds(checkpoint, tmp_path):
    pytest.importorskip("ray")
    local = _predict(f"checkpoint={checkpoint}", "input=seeds", f"output={tmp_path / 'local.jsonl'}")
    assert local.returncode == 0, local.stderr
    ray_run = _predict(f"checkpoint={checkpoint}", "input=seeds", f"output={tmp_path / 'ray'}", *RAY_ARGS)
    assert ray_run.returncode == 0, ray_run.stderr
    shards = sorted((tmp_path / "ray").glob("part-*.jsonl"))
    assert len(shards) == 3  # 5 articles, 2 per shard
    by_id = lambda lines: {r["id"]: r for r in map(json.loads, lines)}  # noqa: E731
    ray_records = by_id(line for s in shards for line in s.read_text().splitlines())
    assert ray_records == by_id((tmp_path / "local.jsonl").read_text().splitlines())


def test_ray_engine_reports_bad_lines_and_keeps_the_rest(checkpoint, tmp_path):
    pytest.importorskip("ray")
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "Russia welcomed the Government of National Accord."}\n{broken\n{"id": "b"}\n')
    run = _predict(f"checkpoint={checkpoint}", f"input={src}", f"output={tmp_path / 'out'}", *RAY_ARGS)
    assert run.returncode == 0, run.stderr
    assert "malformed JSONL line" in run.stderr and "missing string field 'text'" in run.stderr
    records = [json.loads(x) for s in (tmp_path / "out").glob("*.jsonl") for x in s.read_text().splitlines()]
    assert [r["id"] for r in records] == ["a"]


def test_ray_parse_refuses_sentence_records_it_cannot_join():
    """A sentence file needs joining per doc_id, which line-by-line parsing cannot do: each such line is reported,
    never predicted as an article of its own."""
    from stance.ray_engine import _parse_lines

    lines = [
        json.dumps({"sid": "gd-FRA-s1", "doc_id": "gd-FRA", "text": "We back the UN."}),
        json.dumps({"id": "a", "text": "Russia welcomed the Government of National Accord."}),
    ]
    out = _parse_lines({"text": lines})
    assert [i for i, e in zip(out["id"], out["error"]) if not e] == ["a"]
    assert any("engine=local" in e for e in out["error"])


def test_core_never_imports_ray():
    code = "import sys, stance.predict, stance.train, stance.report.run; print('ray' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == "False", out.stderr


@pytest.mark.parametrize("launcher", ["joblib_local", "slurm"])
def test_launcher_presets_compose(launcher):
    cfg = compose("train", [f"hydra/launcher={launcher}"], return_hydra_config=True)
    assert cfg.hydra.launcher._target_.endswith("Launcher")


def test_optuna_sweeper_preset_composes():
    cfg = compose("train", ["hydra/sweeper=optuna_minilm"], return_hydra_config=True)
    assert cfg.hydra.sweeper.direction == "maximize"
    assert set(cfg.hydra.sweeper.params) == {"trainer.lr", "trainer.epochs"}


def test_torchrun_two_processes_one_run_folder_rank0_writes(instances_file, tiny_bert, tmp_path):
    """Two CPU processes (gloo) train one model with DDP; rank 0 alone writes the run folder."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc_per_node=2",
            "scripts/train.py",
            "model=minilm",
            f"model.pretrained={tiny_bert}",
            "data=instances",
            f"data.path={instances_file}",
            "cv=0",
            "trainer.epochs=2",
            "logger.progress=false",
            f"hydra.run.dir={tmp_path / 'run'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**__import__("os").environ, "OMP_NUM_THREADS": "1"},
    )
    assert run.returncode == 0, run.stderr[-2000:]
    log = (tmp_path / "run/train_log.jsonl").read_text().splitlines()
    assert len(log) == 2  # one record per epoch, not one per rank
    assert (tmp_path / "run/checkpoint/model.safetensors").is_file()
    assert sum(line.startswith("{") for line in run.stdout.splitlines()) == 1
