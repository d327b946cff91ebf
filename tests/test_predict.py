"""Predict: from raw text to the actor x target table, and bad input that never loses the rest."""

import json
import subprocess
import sys

import numpy as np
import pytest

from stance.lexicon import DEFAULT_LEXICON, Lexicon
from stance.pipeline.candidates import article_candidates
from stance.pipeline.clean import content_spans
from stance.predict import Predictor
from stance.train import run_train
from tests.conftest import ROOT, compose

ARTICLE = (
    "Russia welcomed the Government of National Accord on Monday.\n"
    "Share This\n"
    "Egyptian President Abdel Fattah al-Sisi met Khalifa Haftar in Cairo. He said Egypt backs the "
    "Libyan National Army.\n"
    "All rights reserved to Example Media 2021 ©\n"
)


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    from tests.conftest import make_instances, write_jsonl

    tmp = tmp_path_factory.mktemp("ckpt")
    data = write_jsonl(tmp / "i.jsonl", make_instances())
    cfg = compose(
        "train",
        ["model=tfidf_lr", "data=instances", f"data.path={data}", "cv=0", "logger.progress=false", "task=joint"],
    )
    run_train(cfg, tmp / "run")
    return tmp / "run/checkpoint"


def test_boilerplate_lines_are_dropped_offsets_kept():
    spans = content_spans(ARTICLE)
    kept = [ARTICLE[s:e] for s, e in spans]
    assert kept[0].startswith("Russia welcomed") and len(kept) == 2 and "Share" not in " ".join(kept)


def test_candidates_with_attribution_and_offsets():
    sentences, rows = article_candidates({"id": "a", "text": ARTICLE, "date": "2019-05"}, Lexicon.load(DEFAULT_LEXICON))
    pairs = {(r["sentence"], r["actor"], r["target"]) for r in rows}
    assert (0, "RUS", "GNA") in pairs and (1, "EGY", "LNA") in pairs
    said = [r for r in rows if r["text"].startswith("He said")]
    assert said and {r["actor"] for r in said} >= {"EGY"}
    for r in rows:
        assert ARTICLE[r["start"] : r["end"]] == r["text"] and r["actor"] != r["target"]


def test_predictor_table_and_empty_article(checkpoint):
    predictor = Predictor(checkpoint, DEFAULT_LEXICON)
    rec = predictor.predict_article({"id": "a", "text": ARTICLE, "date": "2019-05"})
    cells = {(c["actor"], c["target"]): c for c in rec["cells"]}
    assert ("RUS", "GNA") in cells and cells[("RUS", "GNA")]["evidence"][0]["text"].startswith("Russia welcomed")
    assert set(cells[("RUS", "GNA")]["stance_counts"]) == {"support", "oppose", "neutral"}
    empty = predictor.predict_article({"id": "b", "text": "The weather was fine.", "date": ""})
    assert empty["cells"] == [] and "no actor-target pair" in empty["note"]


def _predict(checkpoint, *args, stdin=None):
    return subprocess.run(
        [sys.executable, "scripts/predict.py", f"checkpoint={checkpoint}", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=300,
    )


def test_cli_bad_inputs_are_reported_and_skipped(checkpoint, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(b"\x00\xff\x00\x10")
    (folder / "latin1.txt").write_bytes("Caf\xe9 in Tripoli".encode("latin-1"))
    (folder / "huge.txt").write_text(("Russia backed the Libyan National Army again. " * 45000), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run = _predict(checkpoint, f"input={folder}", f"output={out}")
    assert run.returncode == 0, run.stderr
    recs = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert set(recs) == {"good", "empty", "huge"} and recs["empty"]["cells"] == []
    assert recs["huge"]["cells"][0]["instances"] > 1000
    assert "binary" in run.stderr and "not UTF-8" in run.stderr and "2 skipped" in run.stderr

    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text(json.dumps({"id": "x", "text": ARTICLE, "date": "2019-05"}) + "\n{broken\n")
    csv_out = tmp_path / "out.csv"
    run = _predict(checkpoint, f"input={jsonl}", f"output={csv_out}")
    assert run.returncode == 0 and "in.jsonl:2" in run.stderr
    header, *rows = csv_out.read_text().splitlines()
    assert header.startswith("id,date,actor,target") and rows

    run = _predict(checkpoint, "input=-", stdin=ARTICLE)
    assert run.returncode == 0 and "RUS -> GNA" in run.stdout

    run = _predict(checkpoint, f"input={folder / 'binary.txt'}")
    assert run.returncode == 1 and "0 article(s) processed" in run.stderr


def test_end_to_end_evaluation_on_the_seeds(checkpoint, tmp_path):
    from stance.evaluate import run_evaluate

    summary = run_evaluate(compose("evaluate", [f"checkpoint={checkpoint}", "data=articles"]), tmp_path / "e2e")
    assert (
        0 < summary["candidates"]["recall"] <= 1
        and summary["cells"]["gold"] == 37
        and summary["candidates"]["gold"] == 99
    )


def test_a_gold_sentence_missing_from_the_article_counts_but_is_never_found():
    from stance.pipeline.end_to_end import gold_spans, is_instance

    text = "Egypt backs the LNA. Turkey backs the GNA."
    golds = [
        {"text": "Turkey backs the GNA.", "actor": "TUR", "target": "GNA"},
        {"text": "A sentence the article lost.", "actor": "EGY", "target": "LNA"},
    ]
    spans = gold_spans(text, golds)
    assert spans[("TUR", "GNA")] == [(21, 42)]
    assert not is_instance({"start": 0, "end": 20, "actor": "EGY", "target": "LNA"}, spans)


def test_pair_filter_is_a_relevance_checkpoint_that_narrows_candidates(checkpoint, tmp_path):
    """Articles built from fixture instances, each gold sentence followed by a distractor naming the same pair:
    the candidates are labelled from the gold, a task=relevance model learns them and predict uses it."""
    from stance.data.readers import load_data
    from stance.evaluate import run_evaluate
    from stance.pipeline.pair_filter import PairFilter
    from tests.conftest import make_instances, write_jsonl

    gold = make_instances(12)
    articles, by_doc = [], {}
    for r in gold:
        by_doc.setdefault(r["doc_id"], []).append(r)
    for doc, recs in by_doc.items():
        text = " ".join(
            f"{r['text']} Later {r['actor_mention']} and {r['target_mention']} were in the news." for r in recs
        )
        articles.append({"id": doc, "text": text, "date": recs[0]["date"]})
    arts = write_jsonl(tmp_path / "arts.jsonl", articles)
    inst = write_jsonl(tmp_path / "gold.jsonl", gold)
    data = ["data=news_candidates", f"data.path={arts}", f"data.gold_instances={inst}", "data.subset=null"]
    rows = load_data(compose("train", data).data)
    assert {"instance", "none"} == set(rows["relevance"]) and len(set(rows["id"])) == len(rows)
    run_train(
        compose("train", [*data, "task=relevance", "model=tfidf_lr", "cv=0", "logger.progress=false"]), tmp_path / "pf"
    )
    with pytest.raises(ValueError, match="relevance"):
        PairFilter.load(checkpoint)  # a stance checkpoint is no filter

    ev = ["data=news_articles", f"data.path={arts}", f"data.gold_instances={inst}", f"checkpoint={checkpoint}"]
    plain = run_evaluate(compose("evaluate", ev), tmp_path / "e1")
    filtered = run_evaluate(compose("evaluate", [*ev, f"pair_filter={tmp_path / 'pf/checkpoint'}"]), tmp_path / "e2")
    assert filtered["candidates"]["predicted"] < plain["candidates"]["predicted"]
    assert filtered["candidates"]["precision"] > plain["candidates"]["precision"]

    # Several filters act as one whose P(instance) is their mean, from a list in the config as from Python.
    strong = ["task=relevance", "model=tfidf_lr", "model.C=100", "cv=0", "logger.progress=false"]
    run_train(compose("train", [*data, *strong]), tmp_path / "pf2")
    folders = [tmp_path / "pf/checkpoint", tmp_path / "pf2/checkpoint"]
    one, two = (PairFilter.load(f).scores(rows.to_list()) for f in folders)
    assert not np.allclose(one, two)
    mean = PairFilter.load(folders).scores(rows.to_list())
    np.testing.assert_allclose(mean, (one + two) / 2)
    both = run_evaluate(compose("evaluate", [*ev, f"pair_filter=[{folders[0]},{folders[1]}]"]), tmp_path / "e3")
    assert both["candidates"]["predicted"] == int((mean >= PairFilter.threshold).sum())
    assert json.loads(json.dumps(both))["pair_filter"] == [str(f) for f in folders]


def test_pooling_pairs_across_articles_changes_nothing(tiny_bert, instances_file):
    """Chunks of many articles share forward passes; the records must equal article-at-a-time prediction."""
    from datasets import Dataset
    from omegaconf import OmegaConf

    from stance.data import read_instances
    from stance.models import build_model
    from tests.test_models import TRAINER, _tiny_cfg

    model = build_model(_tiny_cfg(tiny_bert, input="span"), "joint")
    model.fit(read_instances(instances_file), None, OmegaConf.merge(TRAINER, {"epochs": 1}), seed=0)
    articles = [
        {"id": f"a{k}", "text": ARTICLE.replace("Monday", day), "date": "2019-05"}
        for k, day in enumerate(["Monday", "Tuesday", "a quiet Sunday in the capital"])
    ]
    articles.insert(1, {"id": "empty", "text": "The weather was fine.", "date": ""})
    other = "Turkey condemned the offensive of Khalifa Haftar. Qatar backs the Government of National Accord."
    articles.insert(0, {"id": "b", "text": other, "date": "2019-05"})
    alone = [Predictor(model, DEFAULT_LEXICON, precision="fp32", chunk_pairs=1).predict_article(a) for a in articles]
    pooled = list(
        Predictor(model, DEFAULT_LEXICON, batch_size=2, precision="fp32", chunk_pairs=10_000).predict(articles)
    )
    _assert_same_tables(alone, pooled, articles)

    # A transformer pair filter is pooled the same way; its threshold is set between two of its scores so that
    # it keeps some pairs and drops others.
    rel = build_model(_tiny_cfg(tiny_bert, input="span"), "relevance")
    fixture = read_instances(instances_file).to_list()
    train = [{**r, "relevance": "none" if r["stance"] == "neutral" else "instance"} for r in fixture]
    rel.fit(Dataset.from_list(train), None, OmegaConf.merge(TRAINER, {"epochs": 1}), seed=0)
    filtered = Predictor(model, DEFAULT_LEXICON, precision="fp32", pair_filter=rel, chunk_pairs=1)
    widened = [r for a in articles for r in filtered._proposed(a)[1]]
    scores = np.sort(filtered.pair_filter.scores(widened))
    gap = int(np.argmax(np.diff(scores[len(scores) // 4 : 3 * len(scores) // 4]))) + len(scores) // 4
    filtered.pair_filter.threshold = float(scores[gap : gap + 2].mean())
    alone = [filtered.predict_article(a) for a in articles]
    filtered.chunk_pairs, filtered.batch_size = 10_000, 2
    pooled = list(filtered.predict(articles))
    _assert_same_tables(alone, pooled, articles)
    assert 0 < sum(r["candidates"] for r in pooled) < len(widened)
    with pytest.raises(ValueError, match="fine-tuned transformer"):
        Predictor(
            build_model(OmegaConf.create({"name": "m", "kind": "majority"}), "stance"),
            DEFAULT_LEXICON,
            precision="int8",
        )


def _assert_same_tables(alone, pooled, articles):
    assert [r["id"] for r in pooled] == [a["id"] for a in articles]
    for a, b in zip(alone, pooled):
        assert a["candidates"] == b["candidates"]
        assert [c["stance"] for c in a["cells"]] == [c["stance"] for c in b["cells"]]
        for ca, cb in zip(a["cells"], b["cells"]):
            assert ca["stance_probability"] == pytest.approx(cb["stance_probability"], abs=1e-4)


def test_a_described_backer_is_paired_one_way():
    """Codebook: "the UN-backed government" is UN -> GNA support; the phrase gives no GNA -> UN pair."""
    _, rows = article_candidates(
        {"id": "b", "text": "Turkey supports the UN-backed government in Tripoli.", "date": "2020-01"},
        Lexicon.load(DEFAULT_LEXICON),
    )
    pairs = {(r["actor"], r["target"]) for r in rows}
    assert {("TUR", "GNA"), ("TUR", "UN"), ("UN", "GNA")} <= pairs and ("GNA", "UN") not in pairs


SPEECH_SENTENCES = [
    "We support the Government of National Accord.",
    "Yesterday Turkey hosted the Government of National Accord.",
]


@pytest.mark.parametrize(
    "data, records",
    [
        (
            "statement_candidates",
            [{"id": "st1", "date": "2020-01", "speaker": "Turkey", "text": " ".join(SPEECH_SENTENCES)}],
        ),
        (  # the UN speeches' layout: one line per sentence, joined per doc_id
            "speech_candidates",
            [
                {"sid": f"st1-s{k}", "doc_id": "st1", "date": "2020-01", "speaker": "TUR", "text": t}
                for k, t in enumerate(SPEECH_SENTENCES)
            ],
        ),
    ],
)
def test_candidates_of_statements_and_speeches_attribute_the_speakers_we(data, records, tmp_path):
    """A statement's or speech's first person is its speaker, so "We support ..." gives the speaker's pair,
    labelled `instance` by the gold; the same pair in a sentence without gold is `none`."""
    from stance.data.readers import load_data
    from tests.conftest import write_jsonl

    gold = {
        "id": "st1-s0-TUR-GNA",
        "doc_id": "st1",
        "text": SPEECH_SENTENCES[0],
        "context": "",
        "actor": "TUR",
        "actor_mention": None,
        "target": "GNA",
        "target_mention": "the Government of National Accord",
        "stance": "support",
        "sentiment": "positive",
        "date": "2020-01",
    }
    cfg = compose(
        "train",
        [
            f"data={data}",
            f"data.path={write_jsonl(tmp_path / 'st.jsonl', records)}",
            f"data.gold_instances={write_jsonl(tmp_path / 'gold.jsonl', [gold])}",
        ],
    )
    rows = {(r["text"][:9], r["actor"], r["target"]): r["relevance"] for r in load_data(cfg.data).to_list()}
    assert rows[("We suppor", "TUR", "GNA")] == "instance"
    assert rows[("Yesterday", "TUR", "GNA")] == "none"
