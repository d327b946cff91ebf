"""Hydra entry points (also installed as console scripts stance-train / -evaluate / -predict)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import hydra
from hydra.core.hydra_config import HydraConfig

from stance.config import register_configs

CONF_DIR = str(Path(__file__).resolve().parent.parent / "conf")
register_configs()


def _run_dir() -> Path:
    return Path(HydraConfig.get().runtime.output_dir)


def _fail(exc: Exception) -> None:
    print(f"error: {exc}", file=sys.stderr)
    sys.exit(2)


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="train")
def train(cfg) -> float:
    from stance.train import run_train

    try:
        metrics = run_train(cfg, _run_dir())
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    from stance import distributed

    if distributed.is_main():
        print(json.dumps({k: metrics[k] for k in ("macro_f1", "accuracy", "n")} | {"run_dir": str(_run_dir())}))
    return metrics["macro_f1"]  # the value sweepers (Optuna) optimise


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="evaluate")
def evaluate(cfg) -> None:
    from stance.evaluate import run_evaluate

    try:
        summary = run_evaluate(cfg, _run_dir())
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    summary.pop("result", None)
    print(json.dumps(summary))  # LAST stdout line: the machine-readable contract


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="predict")
def predict(cfg) -> None:
    from stance.predict import run_predict

    try:
        code = run_predict(cfg)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    sys.exit(code)


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="pair_filter")
def train_pair_filter(cfg) -> None:
    from stance.pipeline.pair_filter import run_train_pair_filter

    try:
        run_train_pair_filter(cfg, _run_dir())
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    print(f"pair filter: {_run_dir() / 'pair_filter'}")


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="report")
def report(cfg) -> None:
    from stance.report.run import run_report

    try:
        code = run_report(cfg)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)
    sys.exit(code)


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="showcase")
def showcase(cfg) -> None:
    from stance.report.showcase import run_showcase

    print(json.dumps(run_showcase(cfg, _run_dir())))
