"""The benchmark run: checkpoints (trained here if none are given), the speed corpus, every variant in its own
process, the hardware peaks, memory at scale, then the JSON record and the markdown table.

Default quality: a variant of the default model (`default_input`; the input forms are compared on the same CV
folds in experiments/README.md) that loses at most `max_f1_loss` macro-F1 on the UN-speech grouped dev split
against that model at fp32 and agrees with its fp32 labels on at least `min_agreement` of the corpus's candidate
pairs. The per-pair pipeline runs the marked-input model, the form a stock text-classification pipeline can take.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from omegaconf import OmegaConf

from stance.benchmark.corpus import cycled, speed_corpus, write_jsonl
from stance.benchmark.hardware import peak_gemm_flops
from stance.benchmark.table import markdown
from stance.io import atomic_write_json, atomic_write_text

ROOT = Path(__file__).resolve().parents[2]


def _spawn(args: list[str], log: Path) -> tuple[int, float]:
    """Run a child process, output to `log`; (exit status, wall seconds)."""
    start = time.perf_counter()
    with log.open("w") as fh:
        code = subprocess.run(args, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT).returncode
    return code, time.perf_counter() - start


def _compose_train(overrides: list[str]):
    """The train entry point's config, composed inside a running Hydra app or on its own (tests, notebooks)."""
    from hydra import compose, initialize_config_dir
    from hydra.core.global_hydra import GlobalHydra

    from stance.config import register_configs

    if GlobalHydra.instance().is_initialized():
        return compose("train", overrides=overrides)
    register_configs()
    with initialize_config_dir(str(ROOT / "conf"), version_base="1.3"):
        return compose("train", overrides=overrides)


def _train(cfg, input_form: str, work: Path) -> Path:
    from stance.train import run_train

    run_dir = work / f"train_{input_form}"
    if (run_dir / "checkpoint").is_dir():
        return run_dir / "checkpoint"
    model = "minilm" if input_form == "marked" else "minilm_span"
    overrides = [f"model={model}", "data=un_speeches", "task=stance", "cv=0", f"seed={cfg.seed}"]
    train_cfg = _compose_train(overrides + list(cfg.train_overrides))
    print(f"training the {input_form}-input model on the UN speeches (no checkpoint given) ...", file=sys.stderr)
    run_train(train_cfg, run_dir)
    return run_dir / "checkpoint"


def _dev_rows(checkpoints: dict[str, Path]) -> list[dict]:
    """The grouped dev split both checkpoints were early-stopped on; refuse checkpoints trained on other splits."""
    from stance.data.readers import load_data
    from stance.data.splits import grouped_dev_split
    from stance.models.checkpoint import verify_checkpoint
    from stance.runlog import data_fingerprint
    from stance.train import _task_rows

    metas = {form: verify_checkpoint(path) for form, path in checkpoints.items()}
    keys = {(m["data_sha256"], m["config"]["seed"], m["config"]["trainer"]["dev_fraction"]) for m in metas.values()}
    if len(keys) != 1:
        raise ValueError("the marked and span checkpoints were trained on different data, seeds or dev splits")
    meta = metas["marked"]
    if meta["config"]["trainer"]["dev_fraction"] <= 0:
        raise ValueError("the checkpoints were trained without a dev split (trainer.dev_fraction=0)")
    ds = _task_rows(load_data(OmegaConf.create(meta["config"]["data"])), meta["task"])
    if data_fingerprint(ds) != meta["data_sha256"]:
        raise ValueError(f"the training data at {meta['config']['data']['path']} changed since the checkpoints")
    _, dev_idx = grouped_dev_split(ds, meta["config"]["trainer"]["dev_fraction"], meta["config"]["seed"])
    return ds.select(dev_idx).to_list()


def _unique_sentences(articles: list[dict]) -> int:
    from stance.pipeline.clean import content_spans
    from stance.pipeline.sentences import split_sentences

    return len({s.text for a in articles for s in split_sentences(a["text"], content_spans(a["text"]))})


def _derive(results: dict, peaks: dict, cfg) -> dict:
    """Rates, agreement with fp32, FLOP utilisation, and which variants are of default quality."""
    base = results["pipeline"]
    for name, r in results.items():
        r["pairs_per_s"] = r["pairs"] / r["classify_seconds"] if r["classify_seconds"] else 0.0
        r["articles_per_s"] = r["articles"] / r["seconds"]
        r["tokens_per_s"] = r["tokens"] / r["encoder_seconds"] if r["encoder_seconds"] else 0.0
        r["achieved_flops"] = r["flops"] / r["encoder_seconds"] if r["encoder_seconds"] else 0.0
        r["peak_flops"] = peaks[r["precision"]]
        r["flop_utilization"] = r["achieved_flops"] / r["peak_flops"]
        r["speedup_vs_pipeline"] = r["pairs_per_s"] / base["pairs_per_s"]
        r["stage_shares"] = {k: round(v / r["seconds"], 4) for k, v in r["stage_seconds"].items()}
        fp32 = results.get(r.get("fp32_of") or name)
        shared = set(r["labels"]) & set(fp32["labels"])
        r["agreement_with_fp32"] = sum(r["labels"][k] == fp32["labels"][k] for k in shared) / max(1, len(shared))
        r["f1_loss_vs_fp32"] = fp32["dev_macro_f1"] - r["dev_macro_f1"]
        r["default_quality"] = (
            name != "pipeline"
            and r["input"] == cfg.default_input
            and r["f1_loss_vs_fp32"] <= cfg.max_f1_loss
            and r["agreement_with_fp32"] >= cfg.min_agreement
        )
    for r in results.values():
        r.pop("labels")
    return results


def run_benchmark(cfg) -> dict:
    started = time.perf_counter()
    out_dir = Path(cfg.output_dir)
    work = Path(cfg.work_dir)
    work.mkdir(parents=True, exist_ok=True)
    checkpoints = {"marked": cfg.checkpoint, "span": cfg.span_checkpoint}
    train_seconds = time.perf_counter()
    checkpoints = {f: Path(p) if p else _train(cfg, f, work) for f, p in checkpoints.items()}
    train_seconds = time.perf_counter() - train_seconds
    dev = _dev_rows(checkpoints)
    registers = speed_corpus(Path(cfg.seeds), Path(cfg.shared))
    if cfg.corpus_limit:
        registers = {k: v[: cfg.corpus_limit] for k, v in registers.items()}
    articles = [a for arts in registers.values() for a in arts]
    corpus_file = write_jsonl(articles, work / "speed_corpus.jsonl")
    dev_file = write_jsonl(dev, work / "dev.jsonl")
    peaks = {p: peak_gemm_flops(p) for p in ("fp32", "bf16", "int8")}

    results = {}
    for v in cfg.variants:
        spec = {
            "kind": "pipeline" if v.name == "pipeline" else "package",
            "checkpoint": str(checkpoints[v.input]),
            "precision": v.precision,
            "chunk_pairs": v.chunk_pairs or cfg.chunk_pairs,
            "batch_size": cfg.batch_size,
            "lexicon": cfg.lexicon,
            "corpus": str(corpus_file),
            "dev": str(dev_file),
            "seed": cfg.seed,
            "threads": cfg.threads,
            "pipeline_max_pairs": cfg.pipeline_max_pairs,
        }
        spec_file, result_file = work / f"{v.name}.spec.json", work / f"{v.name}.result.json"
        spec_file.write_text(json.dumps(spec))
        print(f"variant {v.name} ...", file=sys.stderr)
        code, _ = _spawn(
            [sys.executable, "-m", "stance.benchmark.variant", str(spec_file), str(result_file)],
            work / f"{v.name}.log",
        )
        if code != 0:
            raise RuntimeError(f"variant {v.name} failed; see {work / (v.name + '.log')}")
        fp32_of = next(
            (
                u.name
                for u in sorted(cfg.variants, key=lambda u: u.chunk_pairs != 0)  # pooled batches first
                if u.name != "pipeline" and u.input == v.input and u.precision == "fp32"
            ),
            None,
        )
        if fp32_of is None:
            raise ValueError(f"variant {v.name} needs an fp32 variant of input={v.input} to be compared with")
        results[v.name] = {
            **json.loads(result_file.read_text()),
            "input": v.input,
            "precision": v.precision,
            "fp32_of": fp32_of,
        }
    # a peak is a best case: measured again after the variants, the higher of the two stands
    peaks = {p: max(v, peak_gemm_flops(p)) for p, v in peaks.items()}
    results = _derive(results, peaks, cfg)

    candidates = [n for n, r in results.items() if r["default_quality"]]
    if not candidates:
        raise ValueError(f"no variant of default_input={cfg.default_input} meets the quality bar (or none was run)")
    chosen = max(candidates, key=lambda n: results[n]["pairs_per_s"])
    scale = _scale(cfg, results[chosen], checkpoints, articles, work)
    reduced = {n: round(r["agreement_with_fp32"], 4) for n, r in results.items() if r["precision"] != "fp32"}
    summary = {
        "date": dt.date.today().isoformat(),
        "chosen_variant": chosen,
        "speedup_vs_pipeline": round(results[chosen]["speedup_vs_pipeline"], 2),
        "precision": results[chosen]["precision"],
        # the chosen variant's agreement with fp32 (1.0 when it is fp32); every reduced variant's in the next key
        "agreement_reduced_precision": round(results[chosen]["agreement_with_fp32"], 4),
        "agreement_by_variant": reduced,
        "flop_utilization": round(results[chosen]["flop_utilization"], 4),
        "unique_sentences": _unique_sentences(articles),
        "articles": len(articles),
        "pairs": results[chosen]["pairs"],
        **{f"peak_rss_mb_{n}": round(s["peak_rss_mb"], 1) for n, s in scale.items()},
        "benchmark_seconds": None,
    }
    record = {
        "summary": summary,
        "corpus": {k: len(v) for k, v in registers.items()},
        "machine": {
            "cpus": os.cpu_count(),
            "torch_threads": cfg.threads or "default",
            "python": sys.version.split()[0],
        },
        "peak_gemm_flops": peaks,
        "variants": results,
        "scale": scale,
        "checkpoints": {k: str(v) for k, v in checkpoints.items()},
        "train_seconds": round(train_seconds, 1),
        "config": OmegaConf.to_container(cfg, resolve=True),
    }
    summary["benchmark_seconds"] = round(time.perf_counter() - started, 1)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = cfg.name or summary["date"]
    atomic_write_json(out_dir / f"{stem}.json", record)
    atomic_write_text(out_dir / f"{stem}.md", markdown(record))
    return summary


def _scale(cfg, chosen: dict, checkpoints: dict, articles: list[dict], work: Path) -> dict:
    """predict.py on N articles (the unique corpus cycled with fresh ids), streamed from and to JSONL."""
    out = {}
    for n in cfg.scale_sizes:
        src = write_jsonl(cycled(articles, n), work / f"scale_{n}.jsonl")
        with tempfile.TemporaryDirectory() as tmp:
            peak = work / f"scale_{n}.rss.json"
            args = [
                sys.executable,
                "-m",
                "stance.benchmark.peak_rss",
                str(peak),
                "scripts/predict.py",
                f"checkpoint={checkpoints[chosen['input']]}",
                f"input={src}",
                f"output={Path(tmp) / 'out.jsonl'}",
                f"precision={chosen['precision']}",
                f"batch_size={cfg.batch_size}",
                f"chunk_pairs={cfg.chunk_pairs}",
                f"lexicon={cfg.lexicon}",
            ]
            print(f"predict on {n} articles ...", file=sys.stderr)
            code, seconds = _spawn(args, work / f"scale_{n}.log")
            if code != 0:
                raise RuntimeError(f"predict on {n} articles failed; see {work / f'scale_{n}.log'}")
        rss = json.loads(peak.read_text())["peak_rss_mb"]
        out[n] = {"articles": n, "seconds": round(seconds, 2), "peak_rss_mb": round(rss, 1)}
        src.unlink()
    sizes = sorted(out)
    if len(sizes) >= 2:
        small, big = out[sizes[0]], out[sizes[-1]]
        big["rss_ratio_to_smallest"] = round(big["peak_rss_mb"] / small["peak_rss_mb"], 3)
        big["time_ratio_to_smallest"] = round(big["seconds"] / small["seconds"], 2)
        big["size_ratio_to_smallest"] = sizes[-1] / sizes[0]
    return out
