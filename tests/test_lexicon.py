import pytest

from stance.lexicon import DEFAULT_LEXICON, Lexicon

LEX = Lexicon(
    {
        "RUS": {
            "name": "Russia",
            "aliases": ["Russia", "Russian", "Moscow"],
            "people": [{"names": ["Sergei Lavrov", "Lavrov"], "gender": "m"}],
        },
        "GNA": {"aliases": ["Government of National Accord", "GNA"], "people": [{"names": ["Bashagha"], "to": 2021}]},
        "LNA": {"aliases": ["Libyan National Army", "LNA"], "people": [{"names": ["Bashagha"], "from": 2022}]},
        "UN": {"aliases": ["UN"], "target_aliases": ["Skhirat agreement"]},
    }
)


def test_longest_match_word_bounded_and_case_sensitive():
    text = "Russian-made jets; Russians and RUSSIA; the Libyan National Army (LNA) met Sergei Lavrov. UNESCO"
    found = [(m.surface, m.code) for m in LEX.find(text)]
    assert found == [("Russian", "RUS"), ("Libyan National Army", "LNA"), ("LNA", "LNA"), ("Sergei Lavrov", "RUS")]


def test_date_windows_pick_the_period_code():
    assert [m.code for m in LEX.find("Bashagha spoke.", "2020-05")] == ["GNA"]
    assert [m.code for m in LEX.find("Bashagha spoke.", "2022")] == ["LNA"]


def test_roles_and_offsets():
    text = "Russia's envoy praised the Skhirat agreement."
    russia, skhirat = LEX.find(text)
    assert text[russia.start : russia.end] == "Russia" and russia.as_actor and not russia.as_target
    assert skhirat.code == "UN" and skhirat.as_target and not skhirat.as_actor


def test_bad_lexicon_entries_are_refused():
    with pytest.raises(ValueError, match="not a codebook code"):
        Lexicon({"Russia": {"aliases": ["Russia"]}})
    with pytest.raises(ValueError, match="unknown keys"):
        Lexicon({"RUS": {"alias": ["Russia"]}})
    with pytest.raises(ValueError, match="YYYY or YYYY-MM"):
        Lexicon({"GNA": {"people": [{"names": ["X"], "from": "May 2016"}]}})


def test_shipped_lexicon_loads():
    lex = Lexicon.load(DEFAULT_LEXICON)
    assert {"GNA", "LNA", "UN", "RUS", "EGY", "TUR", "ARE"} <= set(lex.names)
    codes = {m.code for m in lex.find("Egyptian President Sisi and Turkey's Erdogan discussed the GNA.", "2020")}
    assert {"EGY", "TUR", "GNA"} <= codes


def test_speaker_resolution_and_libya_delegation():
    lex = Lexicon.load(DEFAULT_LEXICON)
    assert lex.resolve_speaker("USA (White House)", "2022") == "USA"
    assert lex.resolve_speaker("LBY", "2015") == "LNA" and lex.resolve_speaker("LBY", "2019") == "GNA"
    assert lex.resolve_speaker("Russia", "") == "RUS" and lex.resolve_speaker("", "2019") == ""


def test_first_person_statements_belong_to_the_record_speaker():
    from stance.pipeline.candidates import article_candidates

    _, rows = article_candidates(
        {"id": "s", "text": "We support the Government of National Accord.", "date": "2017", "speaker": "MLT"},
        Lexicon.load(DEFAULT_LEXICON),
    )
    assert [(r["actor"], r["target"], r["actor_source"]) for r in rows] == [("MLT", "GNA", "record")]


def test_phrases_overlap_other_entities_and_follow_their_windows():
    lex = Lexicon(
        {
            "GNA": {
                "aliases": ["GNA"],
                "phrases": [
                    {"pattern": r"UN-backed (?:government|GNA)", "from": "2016"},
                    {"pattern": r"offensive on (?P<m>Tripoli)", "role": "target", "from": "2019-04", "to": "2020-06"},
                ],
            },
            "UN": {"aliases": ["UN"]},
        }
    )
    text = "Fighters of the UN-backed government and the UN-backed GNA resisted the offensive on Tripoli."
    found = [(m.surface, m.code, m.as_actor, m.phrase) for m in lex.find(text, "2019-06")]
    assert found == [
        ("UN-backed government", "GNA", True, True),
        ("UN", "UN", True, False),
        ("UN-backed GNA", "GNA", True, True),  # the alias "GNA" inside it is not a second mention
        ("UN", "UN", True, False),
        ("Tripoli", "GNA", False, True),
    ]
    assert [m.code for m in lex.find(text, "2015-06")] == ["UN", "UN", "GNA"]  # windows closed: the aliases alone
    with pytest.raises(ValueError, match="not a regular expression"):
        Lexicon({"GNA": {"phrases": [{"pattern": "(unclosed"}]}})
    with pytest.raises(ValueError, match="role"):
        Lexicon({"GNA": {"phrases": [{"pattern": "x", "role": "speaker"}]}})


@pytest.mark.parametrize(
    "text, date, expected",
    [
        ("The Libyan government rejected the plan.", "2015-03", "LNA"),  # al-Thani's cabinet held the seat
        ("The Libyan government rejected the plan.", "2018-03", "GNA"),
        ("Libya's new government took office.", "2021-03", "GNA"),  # Dbeibah's unity government
        ("Libya's new government took office.", "2022-03", None),  # Bashagha's rival cabinet: no safe reading
        ("The east-based opposed administration refused.", "2016-05", "LNA"),
        ("Lawmakers meeting in Tobruk voted.", "2015-01", "LNA"),
        ("Lawmakers meeting in Tobruk voted.", "2014-03", None),  # before the House of Representatives
        ("He praised the 2015 agreement.", "2018", "UN"),
    ],
)
def test_shipped_descriptions_follow_the_codebook_periods(text, date, expected):
    found = {m.code for m in Lexicon.load(DEFAULT_LEXICON).find(text, date)}
    assert found == ({expected} if expected else set())
