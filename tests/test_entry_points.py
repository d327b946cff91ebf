"""Each entry point through its real config (composed from conf/), and the command-line contract."""

import json
import subprocess
import sys

import pytest
from hydra.errors import ConfigCompositionException

from stance.evaluate import run_evaluate
from stance.summary import collect, compare_runs, summarize
from stance.train import run_train
from tests.conftest import ROOT, compose


def _train_cfg(path, *extra):
    return compose("train", ["data=instances", f"data.path={path}", "logger.progress=false", *extra])


def test_train_dev_split_writes_checkpoint_and_metrics(instances_file, tmp_path):
    metrics = run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=0"), tmp_path / "run")
    assert (tmp_path / "run/checkpoint/manifest.json").is_file() and (tmp_path / "run/metrics.json").is_file()
    assert (tmp_path / "run/checkpoint/README.md").read_text().startswith("---\nlibrary_name: stance")
    assert (tmp_path / "run/dev_confusion_stance.png").stat().st_size > 0
    assert 0 <= metrics["macro_f1"] <= 1 and metrics["n"] > 0
    summary = run_evaluate(
        compose(
            "evaluate", [f"checkpoint={tmp_path / 'run/checkpoint'}", "data=instances", f"data.path={instances_file}"]
        ),
        tmp_path / "ev",
    )
    assert summary["n"] == 24 and set(summary["per_class"]) == {"support", "oppose", "neutral"}


def test_cv_is_grouped_and_same_seed_same_metrics(instances_file, tmp_path):
    a = run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=3", "seed=3"), tmp_path / "a")
    b = run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=3", "seed=3"), tmp_path / "b")
    assert len(a["folds"]) == 3 and a["mean_std"]["stance"]["macro_f1"]["std"] >= 0
    assert a["macro_f1"] == b["macro_f1"] and a["folds"] == b["folds"]
    oof = [json.loads(x) for x in (tmp_path / "a/oof_predictions.jsonl").read_text().splitlines()]
    assert len(oof) == 24 and {o["fold"] for o in oof} == {0, 1, 2}


def test_results_table_keeps_runs_with_other_settings_apart_from_seeds(instances_file, tmp_path):
    for name, extra in (("s0", ["seed=0"]), ("s1", ["seed=1"]), ("c10", ["seed=0", "model.C=10"])):
        run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=2", *extra), tmp_path / name)
    rows = {r["model"]: r["seeds"] for r in summarize(collect([tmp_path])) if r["evaluation"] == "instances cv=2"}
    default_c = _train_cfg(instances_file, "model=tfidf_lr").model.C
    assert rows == {f"tfidf_lr (model.C={default_c})": [0, 1], "tfidf_lr (model.C=10.0)": [0]}


def test_extra_train_sets_are_trained_on_but_never_scored(instances_file, tmp_path):
    """Another source added to every fold's training part moves the model and never enters the scores."""
    rows = [json.loads(x) for x in instances_file.read_text().splitlines()]
    extra = tmp_path / "extra" / "instances.jsonl"
    extra.parent.mkdir()
    extra.write_text(
        "".join(json.dumps(dict(r, id="x-" + r["id"], doc_id="x-" + r["doc_id"], stance="oppose")) + "\n" for r in rows)
    )
    add = ["+data@extra_train.other=instances", f"extra_train.other.path={extra}"]
    plain = run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=3"), tmp_path / "plain")
    more = run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=3", *add), tmp_path / "more")
    assert more["n"] == plain["n"] == 24

    def p_oppose(run):
        oof = [json.loads(x) for x in (tmp_path / run / "oof_predictions.jsonl").read_text().splitlines()]
        assert not any(o["id"].startswith("x-") for o in oof)
        return sum(o["stance"][1] for o in oof) / len(oof)  # columns: support, oppose, neutral

    assert p_oppose("more") > p_oppose("plain") + 0.05
    # the results table names what was trained on besides the scored data
    labels = {row["evaluation"] for row in summarize(collect([tmp_path]))}
    assert {"instances cv=3", "instances (+other in training) cv=3"} <= labels
    run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=0", *add), tmp_path / "ckpt")
    card = (tmp_path / "ckpt/checkpoint/README.md").read_text()
    assert str(instances_file) in card and str(extra) in card  # the model card lists every training file


def test_tiny_transformer_through_the_real_config(instances_file, tiny_bert, tmp_path):
    cfg = _train_cfg(
        instances_file, "model=minilm", f"model.pretrained={tiny_bert}", "trainer.epochs=1", "cv=0", "task=joint"
    )
    metrics = run_train(cfg, tmp_path / "run")
    assert set(metrics["heads"]) == {"stance", "sentiment"}
    ev = compose(
        "evaluate", [f"checkpoint={tmp_path / 'run/checkpoint'}", "data=instances", f"data.path={instances_file}"]
    )
    assert run_evaluate(ev, tmp_path / "ev")["n"] == 24


def test_config_typos_fail_before_any_work(instances_file):
    with pytest.raises(ConfigCompositionException, match="trainer.epoch"):
        _train_cfg(instances_file, "trainer.epoch=3")
    with pytest.raises(ConfigCompositionException, match="trainer.epochs"):
        _train_cfg(instances_file, "trainer.epochs=three")
    with pytest.raises(ConfigCompositionException):
        _train_cfg(instances_file, "model=bert_large")


@pytest.mark.parametrize("name", ["train", "evaluate", "predict"])
def test_every_entry_config_composes(name):
    overrides = {"train": [], "evaluate": ["checkpoint=x"], "predict": ["checkpoint=x", "input=y"]}[name]
    cfg = compose(name, overrides)
    assert cfg.seed == 0


def test_default_main_job_is_the_seed_corpus_leave_one_group_out():
    cfg = compose("train", [])
    assert cfg.data.path == "seeds/annotations.jsonl" and cfg.cv == "logo"


def _run(script, *args, cwd=ROOT):
    return subprocess.run(
        [sys.executable, f"scripts/{script}.py", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def test_cli_contract_run_dir_and_last_line_json(instances_file, tmp_path):
    run = _run(
        "train",
        "model=tfidf_lr",
        "data=instances",
        f"data.path={instances_file}",
        "cv=0",
        f"hydra.run.dir={tmp_path / 'run'}",
        "logger.progress=false",
    )
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "run/checkpoint/stance.skops").is_file()
    ev = _run(
        "evaluate",
        f"checkpoint={tmp_path / 'run/checkpoint'}",
        "data=instances",
        f"data.path={instances_file}",
        f"hydra.run.dir={tmp_path / 'ev'}",
    )
    assert ev.returncode == 0, ev.stderr
    last = json.loads(ev.stdout.strip().splitlines()[-1])
    assert {"macro_f1", "accuracy", "n", "per_class"} <= set(last) and last["n"] == 24
    bad = _run("evaluate", f"checkpoint={tmp_path / 'nowhere'}", f"hydra.run.dir={tmp_path / 'ev2'}")
    assert bad.returncode == 2 and "no such checkpoint folder" in bad.stderr


def test_multirun_sweeps_models_and_seeds(instances_file, tmp_path):
    run = _run(
        "train",
        "-m",
        "model=majority,tfidf_lr",
        "seed=1,2",
        "data=instances",
        f"data.path={instances_file}",
        "cv=2",
        "logger.progress=false",
        f"hydra.sweep.dir={tmp_path / 'sweep'}",
    )
    assert run.returncode == 0, run.stderr
    assert len(list((tmp_path / "sweep").glob("*/metrics.json"))) == 4


def test_joblib_launcher_preset_composes():
    cfg = compose("train", ["hydra/launcher=joblib_local"])
    assert cfg.data.name == "seeds"


@pytest.mark.parametrize("name", ["stance_dse_transfer", "sentiment_newsmtsc"])
def test_experiment_files_compose(name):
    cfg = compose("train", [f"experiment={name}"])
    if name == "stance_dse_transfer":
        assert cfg.intermediate.dse.format == "dse" and cfg.model.kind == "finetune"
    else:
        assert cfg.task.name == "sentiment" and cfg.eval_data.devtest_mt.format == "newsmtsc"


def test_dev_fraction_zero_trains_on_everything(instances_file, tmp_path):
    metrics = run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=0", "trainer.dev_fraction=0"), tmp_path / "r")
    assert list(metrics["results"]) == ["train_in_sample"] and metrics["n"] == 24


@pytest.mark.parametrize(
    "change, message",
    [
        ({"stance": "pro"}, "stance 'pro' not allowed; allowed: support"),
        ({"doc_id": None}, "missing required field 'doc_id'"),
    ],
)
def test_cli_bad_training_file_exits_2_with_file_line_and_fix(tmp_path, change, message):
    from tests.conftest import make_instances, write_jsonl

    rows = make_instances(2)
    rows[4].update(change)
    if change.get("doc_id", 1) is None:
        del rows[4]["doc_id"]
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    run = _run("train", "model=majority", "data=instances", f"data.path={path}", f"hydra.run.dir={tmp_path / 'r'}")
    assert run.returncode == 2 and f"bad.jsonl:5: {message}" in run.stderr
    assert not (tmp_path / "r/metrics.json").exists()


def test_compare_two_cv_runs_on_the_same_folds(instances_file, tmp_path):
    for model in ("majority", "tfidf_lr"):
        run_train(_train_cfg(instances_file, f"model={model}", "cv=3", "seed=3"), tmp_path / model)
    diff = compare_runs(tmp_path / "tfidf_lr", tmp_path / "majority")["stance"]
    assert diff["n"] == 24 and diff["difference"] == pytest.approx(diff["a"] - diff["b"]) and diff["difference"] > 0
    assert diff["ci95"][0] <= diff["difference"] <= diff["ci95"][1]
    same = compare_runs(tmp_path / "tfidf_lr", tmp_path / "tfidf_lr")["stance"]
    assert same["difference"] == 0 and same["ci95"] == [0.0, 0.0]
    run_train(_train_cfg(instances_file, "model=tfidf_lr", "cv=3", "seed=4"), tmp_path / "other_folds")
    with pytest.raises(ValueError, match="same folds"):
        compare_runs(tmp_path / "tfidf_lr", tmp_path / "other_folds")
