"""The benchmark end to end on fixture-sized data: a tiny model, a fake ../shared layout, every kind of variant."""

import json

import pytest

from stance.benchmark.corpus import cycled, speed_corpus
from stance.benchmark.hardware import encoder_flops
from stance.benchmark.run import run_benchmark
from tests.conftest import ROOT, compose, make_instances, write_jsonl

NEWS = "Russia welcomed the Government of National Accord. Egypt said it backs the Libyan National Army."


def _fake_shared(tmp_path):
    shared = tmp_path / "shared"
    (shared / "data/news").mkdir(parents=True)
    (shared / "data/un-speeches").mkdir()
    (shared / "data/newsmtsc").mkdir()
    write_jsonl(
        shared / "data/news/articles.jsonl",
        [
            {"id": f"n{k}", "date": "2020-01", "text": NEWS.replace("Russia", c)}
            for k, c in enumerate(["Russia", "Turkey"])
        ]
        + [{"id": "dup", "date": "2020-01", "text": NEWS}],  # the same text as n0: kept once
    )
    write_jsonl(
        shared / "data/un-speeches/sentences.jsonl",
        [
            {"sid": "ungdc-EGY-s2", "doc_id": "ungdc-EGY", "speaker": "EGY", "date": "2019", "text": "Second."},
            {
                "sid": "ungdc-EGY-s1",
                "doc_id": "ungdc-EGY",
                "speaker": "EGY",
                "date": "2019",
                "text": "We support the UN-led political process in Libya.",
            },
        ],
    )
    write_jsonl(
        shared / "data/newsmtsc/devtest_mt.jsonl",
        [
            {
                "primary_gid": f"g{k}",
                "sentence_normalized": "The mayor praised the new park.",
                "targets": [{"from": 4, "mention": "mayor", "polarity": 6}],
            }
            for k in range(2)
        ],
    )
    return shared


def test_speed_corpus_keeps_unique_text_and_joins_speeches(tmp_path):
    registers = speed_corpus(ROOT / "seeds", _fake_shared(tmp_path))
    assert [a["id"] for a in registers["news"]] == ["n0", "n1"]
    assert (
        registers["un_speeches"][0]["text"].startswith("We support") and registers["un_speeches"][0]["speaker"] == "EGY"
    )
    assert len(registers["newsmtsc"]) == 1 and len(registers["seeds"]) == 5
    ids = [a["id"] for a in cycled(registers["news"], 5)]
    assert len(set(ids)) == 5 and ids[2] == "n0#1"


def test_encoder_flops_count_projections_and_attention():
    from transformers import BertConfig

    cfg = BertConfig(hidden_size=4, intermediate_size=8, num_hidden_layers=2)
    # per layer and token: 2 * (4*16 + 2*32) = 256; attention 4 * n^2 * h
    assert encoder_flops(cfg, [3]) == 2 * (3 * 256 + 4 * 9 * 4)


def test_benchmark_runs_every_variant_kind_and_writes_its_record(tiny_bert, tmp_path):
    data = write_jsonl(tmp_path / "i.jsonl", make_instances())
    cfg = compose(
        "benchmark",
        [
            f"shared={_fake_shared(tmp_path)}",
            f"work_dir={tmp_path / 'work'}",
            f"output_dir={tmp_path / 'out'}",
            "name=smoke",
            "corpus_limit=3",
            "scale_sizes=[4,12]",
            "pipeline_max_pairs=5",
            "threads=1",
            "variants=[{name: pipeline}, {name: marked_fp32}, {name: span_fp32, input: span},"
            " {name: span_int8, input: span, precision: int8}]",
            f"train_overrides=['model.pretrained={tiny_bert}','data.path={data}','trainer.epochs=1',"
            "'logger.progress=false']",
        ],
    )
    summary = run_benchmark(cfg)
    record = json.loads((tmp_path / "out/smoke.json").read_text())
    assert (tmp_path / "out/smoke.md").read_text().count("| span_int8 |") == 1
    for key in (
        "speedup_vs_pipeline",
        "agreement_reduced_precision",
        "flop_utilization",
        "unique_sentences",
        "pairs",
        "peak_rss_mb_4",
        "peak_rss_mb_12",
    ):
        assert summary[key] is not None
    variants = record["variants"]
    assert variants["pipeline"]["agreement_with_fp32"] == pytest.approx(1.0)  # same model, same labels
    assert variants["marked_fp32"]["pairs"] == summary["pairs"] > 0
    assert variants["span_fp32"]["tokens"] < variants["marked_fp32"]["tokens"]  # each sentence encoded once
    assert summary["chosen_variant"] in ("span_fp32", "span_int8") and record["scale"]["12"]["articles"] == 12
    assert set(summary["agreement_by_variant"]) == {"span_int8"}
    assert 0 < variants["marked_fp32"]["flop_utilization"] < 1.5
