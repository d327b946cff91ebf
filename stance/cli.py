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


def _guarded(run, *args):
    """Run an entry point's work; bad input (data, config, files) exits 2 with the message, not a traceback."""
    try:
        return run(*args)
    except (ValueError, FileNotFoundError) as exc:
        _fail(exc)


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="train")
def train(cfg) -> float:
    from stance.train import run_train

    metrics = _guarded(run_train, cfg, _run_dir())
    from stance import distributed

    if distributed.is_main():
        print(json.dumps({k: metrics[k] for k in ("macro_f1", "accuracy", "n")} | {"run_dir": str(_run_dir())}))
    return metrics["macro_f1"]  # the value sweepers (Optuna) optimise


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="evaluate")
def evaluate(cfg) -> None:
    from stance.evaluate import run_evaluate

    summary = _guarded(run_evaluate, cfg, _run_dir())
    summary.pop("result", None)
    print(json.dumps(summary))  # LAST stdout line: the machine-readable contract


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="predict")
def predict(cfg) -> None:
    from stance.predict import run_predict

    sys.exit(_guarded(run_predict, cfg))


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="report")
def report(cfg) -> None:
    from stance.report.run import run_report

    sys.exit(_guarded(run_report, cfg))


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="showcase")
def showcase(cfg) -> None:
    from stance.report.showcase import run_showcase

    print(json.dumps(_guarded(run_showcase, cfg, _run_dir())))


@hydra.main(version_base="1.3", config_path=CONF_DIR, config_name="benchmark")
def benchmark(cfg) -> None:
    from stance.benchmark.run import run_benchmark

    print(json.dumps(_guarded(run_benchmark, cfg)))  # the last stdout line: one JSON object
