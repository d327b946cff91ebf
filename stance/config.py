"""Typed schemas for the Hydra configs: a misspelt key or a wrong type fails at composition, before any work."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from hydra.core.config_store import ConfigStore
from omegaconf import MISSING

from stance.labels import TARGETS


@dataclass
class DataConfig:
    name: str = MISSING
    format: str = "instances"  # instances | newsmtsc | dse | articles | candidates (predict's pairs, task=relevance)
    path: Any = MISSING  # one path or a list of paths; relative paths start at the working directory
    targets: Optional[list[str]] = field(default_factory=lambda: list(TARGETS))  # null: any target (NewsMTSC, DSE)
    limit: int = 0  # >0: a fixed random subset of this many rows (smoke runs)
    gold_instances: Optional[str] = None  # format=articles|candidates: the articles' gold instances
    subset: Optional[str] = None  # format=articles|candidates: null (all) | tune | heldout (fixed split by doc_id)
    lexicon: str = "conf/actors/libya.yaml"  # format=candidates: the lexicon that finds the pairs


@dataclass
class ModelConfig:
    name: str = MISSING
    kind: str = MISSING  # majority | tfidf_lr | finetune | frozen_lr
    pretrained: str = "minilm"  # "minilm" = the packaged all-MiniLM-L6-v2 (sha256-checked), or a local model folder
    input: str = "marked"  # marked: one encoder pass per pair | span: one per sentence (stance.models.span)
    max_length: int = 128
    use_context: bool = True
    dropout: float = 0.1
    C: float = 1.0  # inverse regularisation of the logistic regressions
    word_ngrams: list[int] = field(default_factory=lambda: [1, 2])
    char_ngrams: list[int] = field(default_factory=lambda: [2, 5])


@dataclass
class TaskConfig:
    name: str = "stance"  # stance | sentiment | joint


@dataclass
class TrainerConfig:
    epochs: int = 5
    batch_size: int = 16
    eval_batch_size: int = 64
    lr: float = 5e-5
    head_lr: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    patience: int = 2  # epochs without dev macro-F1 gain before stopping
    dev_fraction: float = 0.15  # 0: no dev split (train on all rows, fixed epochs, in-sample scores)
    class_weights: bool = True
    threads: int = 0  # 0 = torch's default
    intermediate_epochs: int = 1  # epochs over each `intermediate` data set before the main data


@dataclass
class LoggerConfig:
    name: str = "jsonl"  # jsonl: per-epoch records in train_log.jsonl | none
    progress: bool = True  # tqdm progress bars


@dataclass
class TrainConfig:
    data: DataConfig = MISSING
    model: ModelConfig = MISSING
    task: TaskConfig = MISSING
    trainer: TrainerConfig = MISSING
    logger: LoggerConfig = MISSING
    seed: int = 0
    cv: Any = 0  # 0: one grouped dev split + checkpoint; k: grouped k-fold; "logo": leave one group out
    eval_data: dict[str, DataConfig] = field(default_factory=dict)  # extra sets the trained model is scored on
    intermediate: dict[str, DataConfig] = field(default_factory=dict)  # transfer sets trained on first (transformer)
    extra_train: dict[str, DataConfig] = field(default_factory=dict)  # added to every training part, never scored
    save_checkpoint: bool = True


@dataclass
class EvaluateConfig:
    checkpoint: str = MISSING
    data: DataConfig = MISSING
    seed: int = 0
    batch_size: int = 64
    lexicon: str = "conf/actors/libya.yaml"
    threshold: float = 0.5  # end-to-end (data=articles): cells below this probability are `uncertain`
    pair_filter: Any = None  # end-to-end: a task=relevance checkpoint (or a list, averaged) filtering widened pairs


@dataclass
class RayConfig:
    address: Optional[str] = None  # null: start Ray on this machine; "auto" or ray://host:port joins a cluster
    num_cpus_total: Optional[int] = None  # local Ray only: CPUs it may use (null: all)
    batch_size: int = 32  # articles per map_batches call
    concurrency: int = 2  # predictor actors (each loads the checkpoint once)
    num_cpus: float = 1.0  # per actor
    num_gpus: float = 0.0  # per actor
    shard_size: int = 10_000  # articles per output shard


@dataclass
class PredictConfig:
    checkpoint: str = MISSING
    input: str = MISSING  # .txt file, folder of .txt, .jsonl, or - (stdin)
    output: Optional[str] = None  # null: a readable table on the terminal
    format: Optional[str] = None  # jsonl | csv; null: from the output's suffix (.csv -> csv, else jsonl)
    lexicon: str = "conf/actors/libya.yaml"
    batch_size: int = 64  # pairs (model.input=marked) or distinct sentences (span) per forward pass
    chunk_pairs: int = 4096  # candidate pairs pooled across consecutive articles before they are classified
    precision: str = "auto"  # auto (bf16 where the CPU has it natively, else fp32) | fp32 | bf16 | int8
    threshold: float = 0.5  # cells whose winning probability is below this say `uncertain`
    pair_filter: Any = None  # a task=relevance checkpoint (or a list, averaged); candidates are widened, then filtered
    engine: str = "local"  # local | ray (output is then a folder of JSONL shards)
    ray: RayConfig = field(default_factory=RayConfig)
    seed: int = 0


@dataclass
class ReportConfig:
    predictions: str = MISSING  # predict's JSONL, or a folder of JSONL shards
    output: str = MISSING  # report folder
    period: str = "year"  # day | month | quarter | year
    actors: Optional[list[str]] = None  # null: the most frequent `top_actors`
    targets: Optional[list[str]] = None
    top_actors: int = 12
    top_cells: int = 6  # actor x target cells drawn in the time series
    min_instances: int = 3  # minimum evidence for a time-series point
    n_boot: int = 1000
    seed: int = 0
    title: str = "Stance report"


@dataclass
class ShowcaseConfig:
    data: DataConfig = MISSING  # the silver instances the cross-fitted models train on
    model: ModelConfig = MISSING
    task: TaskConfig = MISSING
    trainer: TrainerConfig = MISSING
    logger: LoggerConfig = MISSING
    sentences: str = MISSING  # the speeches' sentences.jsonl (doc_id, speaker, date, text)
    folds: int = 5
    period: str = "year"
    lexicon: str = "conf/actors/libya.yaml"
    threshold: float = 0.5
    min_instances: int = 3  # cells with fewer instances on either side are left out of the correlation
    seed: int = 0


@dataclass
class VariantConfig:
    name: str = MISSING  # `pipeline` is the per-pair transformers.pipeline baseline
    input: str = "marked"  # which checkpoint: marked | span
    precision: str = "fp32"  # fp32 | bf16 | int8
    chunk_pairs: int = 0  # 0: the benchmark's chunk_pairs; 1: classify article by article


@dataclass
class BenchmarkConfig:
    checkpoint: Optional[str] = None  # marked-input stance checkpoint; null: trained here on the UN speeches
    span_checkpoint: Optional[str] = None  # span-input checkpoint on the same data and split; null: trained here
    train_overrides: list[str] = field(default_factory=list)  # extra train.py overrides for checkpoints trained here
    shared: str = MISSING
    seeds: str = "seeds"
    lexicon: str = "conf/actors/libya.yaml"
    corpus_limit: int = 0  # >0: at most this many articles per register (smoke runs)
    variants: list[VariantConfig] = field(default_factory=list)
    default_input: str = "span"  # the default model's input form: only its variants can be of default quality
    max_f1_loss: float = 0.01  # default quality: dev macro-F1 at most this far below the reference
    min_agreement: float = 0.98  # default quality: share of labels equal to the same model at fp32
    batch_size: int = 64
    chunk_pairs: int = 4096
    pipeline_max_pairs: int = 1500  # the per-pair baseline runs on a fixed random sample of the candidates
    scale_sizes: list[int] = field(default_factory=lambda: [1000, 10000])
    threads: int = 0  # torch threads per variant process (0: torch's default)
    seed: int = 0
    output_dir: str = "experiments/benchmarks"
    name: Optional[str] = None  # output file stem; null: today's date
    work_dir: str = MISSING


def register_configs() -> None:
    cs = ConfigStore.instance()
    cs.store(name="train_schema", node=TrainConfig)
    cs.store(name="evaluate_schema", node=EvaluateConfig)
    cs.store(name="predict_schema", node=PredictConfig)
    cs.store(name="report_schema", node=ReportConfig)
    cs.store(name="showcase_schema", node=ShowcaseConfig)
    cs.store(name="benchmark_schema", node=BenchmarkConfig)
