"""The shipped seed gold: valid to the codebook reader, reproducible from the rounds, groups kept together."""

import json

from stance.annotation import adjudicate, agreement, article_table
from stance.data import read_instances
from stance.data.splits import groups_of, leave_one_group_out
from tests.conftest import ROOT

SEEDS = ROOT / "seeds"


def test_seed_files_are_unchanged_copies_and_annotations_validate():
    assert len(list(SEEDS.glob("*.txt"))) == 5
    ds = read_instances(SEEDS / "annotations.jsonl")
    texts = {p.stem: p.read_text(encoding="utf-8") for p in SEEDS.glob("*.txt")}
    for row in ds:
        assert row["text"] in texts[row["doc_id"]], row["id"]
    assert set(ds["group"]) == {"moscow-visit-2017-08", "003_6c2d377331cabb9a", "004_428897185c19d343"}


def test_gold_is_rebuilt_exactly_from_rounds_and_adjudication():
    gold = adjudicate(
        SEEDS / "rounds/annotator_a.jsonl", SEEDS / "rounds/annotator_b.jsonl", SEEDS / "rounds/adjudication.json"
    )
    shipped = [json.loads(x) for x in (SEEDS / "annotations.jsonl").read_text().splitlines()]
    assert gold == shipped
    tables = [json.loads(x) for x in (SEEDS / "article_gold.jsonl").read_text().splitlines()]
    assert tables == article_table(gold)
    ids = {r["id"] for r in gold}
    assert all(i in ids for t in tables for c in t["cells"] for i in c["instances"])


def test_recorded_agreement_matches_the_rounds():
    recorded = json.loads((ROOT / "experiments/annotation/agreement.json").read_text())
    fresh = agreement(SEEDS / "rounds/annotator_a.jsonl", SEEDS / "rounds/annotator_b.jsonl")
    assert {k: recorded[k] for k in fresh} == fresh


def test_leave_one_group_out_keeps_the_moscow_reports_together():
    ds = read_instances(SEEDS / "annotations.jsonl")
    groups = groups_of(ds)
    folds = list(leave_one_group_out(ds))
    assert len(folds) == 3
    for train, test in folds:
        assert len(set(groups[test])) == 1 and not set(groups[train]) & set(groups[test])


def test_article_table_majority_rule():
    recs = [
        {"id": str(i), "doc_id": "d", "actor": "RUS", "target": "LNA", "stance": s}
        for i, s in enumerate(["support", "support", "neutral", "oppose"])
    ]
    recs += [
        {"id": "t1", "doc_id": "d", "actor": "EGY", "target": "GNA", "stance": "support"},
        {"id": "t2", "doc_id": "d", "actor": "EGY", "target": "GNA", "stance": "oppose"},
    ]
    cells = {(c["actor"], c["target"]): c["stance"] for c in article_table(recs)[0]["cells"]}
    assert cells == {("RUS", "LNA"): "support", ("EGY", "GNA"): "neutral"}
