"""Step 4: who speaks, or is spoken of without a name, in each sentence.

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
SUBJECT_PRONOUN = re.compile(r"^\W{0,3}(?P<p>He|She)\b")  # a sentence that opens with he/she is about that person
PAIR = re.compile(
    r"\b(?:[Tt]he two (?:men|leaders|sides|officials)|[Bb]oth (?:men|leaders|sides|officials)|[Tt]he two)\b"
)
FIRST_PERSON = re.compile(r"\b(?:[Ww]e|[Oo]ur|[Mm]y delegation|[Mm]y country|[Mm]y Government|[Uu]s)\b")


@dataclass(frozen=True)
class Speaker:
    code: str
    mention: str | None  # the surface form in the sentence (a name or a pronoun), None for a record's speaker
    start: int  # offset in the sentence, -1 if implicit
    kind: str  # speaker (reporting verb) | pronoun | pair ("the two men") | record (a record's speaker)


def attribute(
    sentences: list[Sentence], mentions: list[list[Mention]], record_speaker: str = ""
) -> list[list[Speaker]]:
    """Per sentence, the actors it speaks for or about without naming them: the reporting speaker, a subject
    pronoun resolved to the last named person of that gender, "the two men" -> the last two people named, and a
    record's speaker for first-person statements."""
    out: list[list[Speaker]] = []
    last_person: dict[str, Mention] = {}
    recent: list[Mention] = []  # people named so far, most recent last
    for sent, ments in zip(sentences, mentions):
        found: list[Speaker] = []
        people = [m for m in ments if m.person and m.as_actor]
        verb = REPORTING.search(sent.text)
        if verb and people:  # the named person nearest to the reporting verb
            best = min(people, key=lambda m: abs(m.start - sent.start - verb.start()))
            found.append(Speaker(best.code, best.surface, best.start - sent.start, "speaker"))
        pron = SUBJECT_PRONOUN.search(sent.text) or (PRONOUN.search(sent.text) if verb and not people else None)
        if pron:
            ref = last_person.get("m" if pron.group("p").lower() == "he" else "f")
            if ref is not None:
                found.append(Speaker(ref.code, pron.group("p"), pron.start("p"), "pronoun"))
        pair = PAIR.search(sent.text)
        if pair:
            codes = list(dict.fromkeys(m.code for m in reversed(recent)))[:2]
            found += [Speaker(code, pair.group(0), pair.start(), "pair") for code in codes]
        if record_speaker and FIRST_PERSON.search(sent.text):
            found.append(Speaker(record_speaker, None, -1, "record"))
        for m in people:
            if m.gender:
                last_person[m.gender] = m
        recent = (recent + people)[-10:]
        out.append(found)
    return out
