import json

import numpy as np
import pytest

from stance.data import DataError, read_articles, read_dse, read_instances, read_newsmtsc
from tests.conftest import make_instances, write_jsonl


def test_instances_schema_and_offsets(instances_file):
    ds = read_instances(instances_file)
    assert len(ds) == 24
    row = ds[0]
    assert row["text"][row["actor_start"] :].startswith(row["actor_mention"])
    assert row["group"] == "pair01" and ds[-1]["group"] == ds[-1]["doc_id"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"stance": "supportive"}, "stance 'supportive' not allowed; allowed: support, oppose, neutral"),
        ({"target": "ISIS"}, "target 'ISIS' not allowed"),
        ({"actor_mention": "Moscow"}, "actor_mention 'Moscow' is not an exact substring"),
        ({"actor": "GNA", "target": "GNA"}, "never pairs an actor with itself"),
        ({"date": "30/01/2020"}, "must be YYYY, YYYY-MM or YYYY-MM-DD"),
        ({"text": 5}, "field 'text' must be a string"),
    ],
)
def test_bad_records_name_file_line_and_fix(tmp_path, change, message):
    rows = make_instances(2)
    rows[3].update(change)
    path = write_jsonl(tmp_path / "bad.jsonl", rows)
    with pytest.raises(DataError) as err:
        read_instances(path)
    assert f"{path}:4" in str(err.value) and message in str(err.value)


def test_missing_field_and_malformed_line(tmp_path):
    rows = make_instances(1)
    del rows[1]["doc_id"]
    with pytest.raises(DataError, match=r"bad.jsonl:2: missing required field 'doc_id'"):
        read_instances(write_jsonl(tmp_path / "bad.jsonl", rows))
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(make_instances(1)[0]) + "\n{not json\n")
    with pytest.raises(DataError, match=r"broken.jsonl:2: not a valid UTF-8 JSON object"):
        read_instances(path)


def test_duplicate_ids_across_files_are_refused(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", make_instances(1))
    with pytest.raises(DataError, match="duplicate id"):
        read_instances([a, a])


def test_newsmtsc_polarity_mapping(tmp_path):
    rec = {
        "primary_gid": "g1",
        "sentence_normalized": "Trump praised Biden today.",
        "targets": [
            {"Input.gid": "a", "from": 0, "to": 5, "mention": "Trump", "polarity": 6.0},
            {"Input.gid": "b", "from": 14, "to": 19, "mention": "Biden", "polarity": 2.0},
        ],
    }
    ds = read_newsmtsc(write_jsonl(tmp_path / "n.jsonl", [rec]))
    assert ds["sentiment"] == ["positive", "negative"] and ds["target_start"] == [0, 14]
    assert ds["stance"] == [None, None]
    rec["targets"][0]["polarity"] = 3.0
    with pytest.raises(DataError, match="polarity 3 not allowed"):
        read_newsmtsc(write_jsonl(tmp_path / "n2.jsonl", [rec]))


def test_dse_gives_both_directions(tmp_path):
    path = tmp_path / "dse.txt"
    path.write_text("[Obama] criticised [Putin] again.\tObama\tPutin\t3\n[Obama] met [Putin].\tObama\tPutin\t2\n")
    ds = read_dse(path)
    assert ds["stance"] == ["oppose", "neutral", "neutral", "support"]
    assert ds[0]["text"] == "Obama criticised Putin again." and ds[0]["target_start"] == 17
    assert ds[1]["actor_mention"] == "Putin" and ds[1]["target_mention"] == "Obama"


def test_articles_reader_keeps_going_past_bad_entries(tmp_path):
    folder = tmp_path / "arts"
    folder.mkdir()
    (folder / "a.txt").write_text("Russia backed Haftar.", encoding="utf-8")
    (folder / "b.txt").write_bytes(b"\x00\x01binary")
    (folder / "c.txt").write_bytes("caf\xe9".encode("latin-1"))
    errors = []
    arts = list(read_articles(folder, errors=errors))
    assert [a["id"] for a in arts] == ["a"]
    assert any("binary" in str(e) for e in errors) and any("not UTF-8" in str(e) for e in errors)
    jsonl = tmp_path / "a.jsonl"
    jsonl.write_text('{"id": "x", "text": "one"}\n{oops\n{"id": "y", "text": "two", "date": "2020-01"}\n')
    errors = []
    arts = list(read_articles(jsonl, errors=errors))
    assert [a["id"] for a in arts] == ["x", "y"] and arts[1]["date"] == "2020-01"
    assert len(errors) == 1 and "a.jsonl:2" in str(errors[0])


def test_folder_metadata_gives_dates(tmp_path):
    (tmp_path / "a.txt").write_text("text", encoding="utf-8")
    (tmp_path / "metadata.jsonl").write_text('{"id": "a", "date": "2019-04", "speaker": "USA"}\n')
    assert list(read_articles(tmp_path)) == [{"id": "a", "text": "text", "date": "2019-04", "speaker": "USA"}]


def test_a_sentence_file_is_read_as_one_document_per_speech(tmp_path):
    """Sentence-level JSONL (the UN speeches' layout) becomes one article per doc_id, in sentence order, with the
    speaker and date of the speech, so that predict and the pair filter see the speech as a whole."""
    rows = [
        {"sid": "gd-FRA_74-s10", "doc_id": "gd-FRA_74", "text": "We back the UN.", "speaker": "FRA", "date": "2019"},
        {"sid": "gd-EGY_74-s3", "doc_id": "gd-EGY_74", "text": "Libya matters.", "speaker": "EGY", "date": "2019"},
        {"sid": "gd-FRA_74-s2", "doc_id": "gd-FRA_74", "text": "Libya is at war.", "speaker": "FRA", "date": "2019"},
    ]
    path = tmp_path / "sentences.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    arts = list(read_articles(path))
    assert [(a["id"], a["speaker"]) for a in arts] == [("gd-FRA_74", "FRA"), ("gd-EGY_74", "EGY")]
    assert arts[0]["text"] == "Libya is at war. We back the UN." and arts[0]["date"] == "2019"


def test_dse_five_classes_recombine_the_two_directions(tmp_path):
    from stance.dse import five_class, five_class_metrics

    lines = [
        "[A] met [B].\tA\tB\t0",
        "[A] praised [B].\tA\tB\t1",
        "[A] was praised by [B].\tA\tB\t2",
        "[A] attacked [B].\tA\tB\t3",
        "[A] was attacked by [B].\tA\tB\t4",
    ]
    path = tmp_path / "dse.txt"
    path.write_text("\n".join(lines) + "\n")
    rows = read_dse(path).to_list()
    labels = ["support", "oppose", "neutral"]
    perfect = np.array([[0.9 if lab == r["stance"] else 0.05 for lab in labels] for r in rows])
    gold, scores, _ = five_class(rows, perfect, labels)
    assert gold == ["0", "1", "2", "3", "4"] and np.allclose(scores.sum(1), 1)
    assert [str(k) for k in scores.argmax(1)] == gold
    assert five_class_metrics(rows, perfect, labels)["macro_f1"] == 1.0
    swapped = perfect.reshape(5, 2, 3)[:, ::-1].reshape(10, 3)  # each direction's prediction given to the other
    assert five_class_metrics(rows, swapped, labels)["macro_f1"] < 0.5
