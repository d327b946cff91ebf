"""Steps 3 and 5: mentions per sentence, then the (actor, target) pairs to classify.

A pair is a candidate where the actor is mentioned in the sentence or is its speaker, and the target is
referenced in the sentence; an actor is never paired with itself.
"""

from __future__ import annotations

from bisect import bisect_left

from stance.lexicon import Lexicon, Mention
from stance.pipeline.attribution import attribute
from stance.pipeline.clean import content_spans
from stance.pipeline.sentences import Sentence, split_sentences


def mentions_by_sentence(text: str, sentences: list[Sentence], lexicon: Lexicon, date: str) -> list[list[Mention]]:
    """One lexicon scan of the whole text, then each mention goes to the sentence that contains it."""
    found = lexicon.find(text, date)
    starts = [m.start for m in found]
    out = []
    for s in sentences:
        lo, hi = bisect_left(starts, s.start), bisect_left(starts, s.end)
        out.append([m for m in found[lo:hi] if m.end <= s.end])
    return out


def article_candidates(article: dict, lexicon: Lexicon) -> tuple[list[Sentence], list[dict]]:
    text, date = article["text"], article.get("date") or ""
    sentences = split_sentences(text, content_spans(text))
    mentions = mentions_by_sentence(text, sentences, lexicon, date)
    speakers = attribute(sentences, mentions, article.get("speaker") or "")
    rows = []
    for k, (sent, ments, speaker) in enumerate(zip(sentences, mentions, speakers)):
        actors: dict[str, tuple[str | None, int]] = {}
        if speaker is not None:
            actors[speaker.code] = (speaker.mention, speaker.start)
        for m in ments:
            if m.as_actor and m.code not in actors:
                actors[m.code] = (m.surface, m.start - sent.start)
        targets: dict[str, tuple[str, int]] = {}
        for m in ments:
            if m.as_target and m.code not in targets:
                targets[m.code] = (m.surface, m.start - sent.start)
        context = sentences[k - 1].text if k else ""
        for actor, (a_mention, a_start) in actors.items():
            for target, (t_mention, t_start) in targets.items():
                if actor == target:
                    continue
                rows.append({
                    "id": f"{article['id']}-s{k}-{actor}-{target}", "doc_id": article["id"], "date": date,
                    "sentence": k, "start": sent.start, "end": sent.end, "text": sent.text, "context": context,
                    "actor": actor, "actor_mention": a_mention, "actor_start": a_start,
                    "target": target, "target_mention": t_mention, "target_start": t_start,
                })
    return sentences, rows
