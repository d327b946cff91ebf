"""Property-based tests: arbitrary text never crashes a reader or the predict pipeline, and offsets stay true."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stance.data import DataError, read_articles, read_instances
from stance.encoding import marked_pair, masked_text
from stance.lexicon import DEFAULT_LEXICON, Lexicon
from stance.pipeline.candidates import article_candidates
from stance.pipeline.clean import content_spans

LEX = Lexicon.load(DEFAULT_LEXICON)
NAMES = [
    "Russia",
    "Haftar",
    "Government of National Accord",
    "UN",
    "Libyan National Army",
    "Egypt's",
    "Sarraj",
    "Skhirat agreement",
    "He said",
    "We",
]
texty = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
mixed = st.lists(
    st.one_of(texty, st.sampled_from(NAMES), st.sampled_from(["\n", ". ", "\x00", "\u202e", "\r\n"])), max_size=25
).map("".join)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(text=mixed, date=st.sampled_from(["", "2015", "2019-04", "2022-05-01"]))
def test_pipeline_never_crashes_and_offsets_hold(text, date):
    for s, e in content_spans(text):
        assert 0 <= s < e <= len(text)
    sentences, rows = article_candidates({"id": "x", "text": text, "date": date, "speaker": "MLT"}, LEX)
    for sent in sentences:
        assert text[sent.start : sent.end] == sent.text and sent.text.strip()
    for r in rows:
        assert r["actor"] != r["target"] and text[r["start"] : r["end"]] == r["text"]
        for field in ("actor", "target"):
            start, mention = r[f"{field}_start"], r[f"{field}_mention"]
            if start >= 0 and mention:
                assert r["text"][start : start + len(mention)] == mention
        masked_text(r)
        marked_pair(r, LEX.names)


@SETTINGS
@given(text=mixed)
def test_lexicon_mentions_are_exact_and_disjoint(text):
    """Alias mentions never overlap; a phrase mention may overlap only mentions of other entities."""
    found = LEX.find(text)
    assert found == sorted(found, key=lambda m: (m.start, -m.end))
    aliases = [m for m in found if not m.phrase]
    for a, b in zip(aliases, aliases[1:]):
        assert a.end <= b.start
    for a in found:
        assert text[a.start : a.end] == a.surface
        assert not any(b is not a and b.code == a.code and b.start <= a.start and a.end <= b.end for b in found)


@SETTINGS
@given(
    value=st.one_of(texty, st.none(), st.integers(), st.lists(st.integers(), max_size=2)),
    field=st.sampled_from(["text", "actor", "target", "stance", "sentiment", "actor_mention", "date", "doc_id"]),
)
def test_instance_reader_accepts_or_explains(tmp_path_factory, value, field):
    rec = {
        "id": "i1",
        "doc_id": "d1",
        "text": "Russia backed Haftar.",
        "context": "",
        "actor": "RUS",
        "actor_mention": "Russia",
        "target": "LNA",
        "target_mention": "Haftar",
        "stance": "support",
        "sentiment": "neutral",
    }
    rec[field] = value
    path = tmp_path_factory.mktemp("p") / "x.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    try:
        ds = read_instances(path)
    except DataError as err:
        assert str(path) in str(err)
    else:
        assert len(ds) == 1


@SETTINGS
@given(data=st.binary(max_size=400))
def test_article_reader_takes_any_bytes(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("a")
    (folder / "a.txt").write_bytes(data)
    (folder / "b.jsonl").write_bytes(data)
    errors = []
    arts = list(read_articles(folder / "a.txt", errors=errors))
    assert len(arts) + len(errors) == 1
    errors = []
    for art in read_articles(folder / "b.jsonl", errors=errors):
        assert isinstance(art["text"], str)
    assert all(isinstance(e, DataError) for e in errors)


def test_sentence_beyond_max_length_is_truncated_by_the_stated_rule(tiny_bert):
    """A sentence far longer than max_length still encodes: the longer segment loses tokens first."""
    from omegaconf import OmegaConf

    from stance.models import build_model

    cfg = OmegaConf.create(
        {
            "name": "t",
            "kind": "finetune",
            "pretrained": str(tiny_bert),
            "max_length": 32,
            "use_context": True,
            "dropout": 0.0,
        }
    )
    model = build_model(cfg, "stance")
    model.names = {}
    model._build()
    long = "Russia backed " + "the army again and " * 400 + "the Government of National Accord."
    row = {
        "text": long,
        "context": "",
        "actor": "RUS",
        "actor_mention": "Russia",
        "actor_start": 0,
        "target": "GNA",
        "target_mention": "Government of National Accord",
        "target_start": long.index("Government"),
    }
    enc = model.encode([row])
    assert len(enc.input_ids[0]) == 32
    proba = model.predict_proba([row])["stance"]
    assert proba.shape == (1, 3)
