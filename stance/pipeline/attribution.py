"""Step 4: who speaks in each sentence.

Reported speech gives the speaker's stance: "X said", "according to X", "X told ...", a quote followed by
"he said"; "he"/"she" resolve to the last named person of that gender before them in the article. A record's
`speaker` (speech corpora) owns first-person statements ("we", "our country", "my delegation").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stance.lexicon import Mention
from stance.pipeline.sentences import Sentence

REPORTING = re.compile(
    r"\b(?:said|says|say|told|stated|added|noted|stressed|warned|urged|called|insisted|declared|announced|"
    r"reiterated|affirmed|underscored|explained|believed|believes|accused|according to)\b"
)
PRONOUN = re.compile(r"\b(?P<p>[Hh]e|[Ss]he)\b")
FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Mm]y delegation|[Mm]y country|[Mm]y Government|[Uu]s)\b")


@dataclass(frozen=True)
class Speaker:
    code: str
    mention: str | None  # the surface form in the sentence (a name or a pronoun), None for a record's speaker
    start: int  # offset in the sentence, -1 if implicit


def attribute(sentences: list[Sentence], mentions: list[list[Mention]], record_speaker: str = "") -> list[Speaker | None]:
    """One speaker (or None) per sentence."""
    out: list[Speaker | None] = []
    last_person: dict[str, Mention] = {}
    for sent, ments in zip(sentences, mentions):
        speaker = None
        people = [m for m in ments if m.person and m.as_actor]
        if REPORTING.search(sent.text):
            if people:  # the named person nearest to the reporting verb
                verb = REPORTING.search(sent.text).start()
                best = min(people, key=lambda m: abs(m.start - sent.start - verb))
                speaker = Speaker(best.code, best.surface, best.start - sent.start)
            else:
                pron = PRONOUN.search(sent.text)
                if pron:
                    gender = "m" if pron.group("p").lower() == "he" else "f"
                    ref = last_person.get(gender)
                    if ref is not None:
                        speaker = Speaker(ref.code, pron.group("p"), pron.start())
        if speaker is None and record_speaker and FIRST_PERSON.search(sent.text):
            speaker = Speaker(record_speaker, None, -1)
        for m in people:
            if m.gender:
                last_person[m.gender] = m
        out.append(speaker)
    return out
