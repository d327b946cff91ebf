"""Steps 3 and 5: mentions per sentence, then the (actor, target) pairs to classify.

A pair is a candidate where the actor is mentioned in the sentence or is spoken of there (speaker, pronoun, "the
two men", a record's speaker) and the target is referenced in the sentence; an actor is never paired with itself,
nor with a target named inside its own mention.
With `widen`, an actor or target named in the previous sentence also counts (news often takes them up as "the
minister", "the accord", "him"): a wider net that a pair filter (stance.pipeline.pair_filter) then narrows.
Each candidate records where its actor and target came from (`actor_source`, `target_source`).
"""

from __future__ import annotations

from bisect import bisect_left

from stance.lexicon import Lexicon, Mention
from stance.pipeline.attribution import attribute
from stance.pipeline.clean import content_spans
from stance.pipeline.sentences import Sentence, split_sentences
from stance.timing import stage


def mentions_by_sentence(text: str, sentences: list[Sentence], lexicon: Lexicon, date: str) -> list[list[Mention]]:
    """One lexicon scan of the whole text, then each mention goes to the sentence that contains it."""
    found = lexicon.find(text, date)
    starts = [m.start for m in found]
    out = []
    for s in sentences:
        lo, hi = bisect_left(starts, s.start), bisect_left(starts, s.end)
        out.append([m for m in found[lo:hi] if m.end <= s.end])
    return out


def article_candidates(article: dict, lexicon: Lexicon, widen: bool = False) -> tuple[list[Sentence], list[dict]]:
    text, date = article["text"], article.get("date") or ""
    with stage("clean"):
        spans = content_spans(text)
    with stage("sentences"):
        sentences = split_sentences(text, spans)
    with stage("mentions"):
        mentions = mentions_by_sentence(text, sentences, lexicon, date)
    with stage("pairs"):
        spoken = attribute(sentences, mentions, lexicon.resolve_speaker(article.get("speaker") or "", date))
        rows = _pairs(article, date, sentences, mentions, spoken, widen)
    return sentences, rows


def _inside(start: int, mention: str | None, outer_start: int, outer: str | None) -> bool:
    """Is a mention part of another? "the UN-backed government" (GNA) names the UN as its backer: UN -> GNA is a
    pair, GNA -> UN is not."""
    if start < 0 or outer_start < 0 or not mention or not outer:
        return False
    return outer_start <= start and start + len(mention) <= outer_start + len(outer)


def _pairs(article, date, sentences, mentions, spoken, widen: bool) -> list[dict]:
    rows = []
    for k, (sent, ments, speakers) in enumerate(zip(sentences, mentions, spoken)):
        actors: dict[str, tuple[str | None, int, str]] = {}
        for m in ments:
            if m.as_actor and m.code not in actors:
                actors[m.code] = (m.surface, m.start - sent.start, "named")
        for spk in speakers:
            actors.setdefault(spk.code, (spk.mention, spk.start, spk.kind))
        if widen and k:
            for m in mentions[k - 1]:
                if m.as_actor:
                    actors.setdefault(m.code, (m.surface, -1, "context"))
        targets: dict[str, tuple[str, int, str]] = {}
        for m in ments:
            if m.as_target and m.code not in targets:
                targets[m.code] = (m.surface, m.start - sent.start, "text")
        if widen and k:
            for m in mentions[k - 1]:
                if m.as_target and m.code not in targets:
                    targets[m.code] = (m.surface, -1, "context")
        context = sentences[k - 1].text if k else ""
        for actor, (a_mention, a_start, a_source) in actors.items():
            for target, (t_mention, t_start, t_source) in targets.items():
                if actor == target or _inside(t_start, t_mention, a_start, a_mention):
                    continue
                rows.append(
                    {
                        "id": f"{article['id']}-s{k}-{actor}-{target}",
                        "doc_id": article["id"],
                        "date": date,
                        "sentence": k,
                        "start": sent.start,
                        "end": sent.end,
                        "text": sent.text,
                        "context": context,
                        "actor": actor,
                        "actor_mention": a_mention,
                        "actor_start": a_start,
                        "actor_source": a_source,
                        "target": target,
                        "target_mention": t_mention,
                        "target_start": t_start,
                        "target_source": t_source,
                    }
                )
    return rows
