"""How an instance is shown to a model: which span is the actor, which the target, and who they are.

Both model families read the same instance dicts (rows of the instance schema or predict's candidates):
- `masked_text` for TF-IDF: mentions replaced by marker words, so n-grams generalise across actor names;
- `marked_pair` for the transformer: mentions wrapped in markers inside the sentence, and a second segment
  naming the actor and the target, which covers implicit actors (a speaker's "we") and unnamed targets.
"""

from __future__ import annotations

from stance.labels import TARGET_NAMES

ACTOR_MARK = ("[[", "]]")
TARGET_MARK = ("{{", "}}")
ACTOR_WORD, TARGET_WORD = " actorx ", " targetx "


def mention_span(row: dict, field: str, text: str) -> tuple[int, int] | None:
    mention, start = row.get(f"{field}_mention"), row.get(f"{field}_start", -1)
    if not mention:
        return None
    if start is None or start < 0 or text[start : start + len(mention)] != mention:
        start = text.find(mention)
    return (start, start + len(mention)) if start >= 0 else None


def _rewrite(text: str, spans: list[tuple[tuple[int, int], str, str]]) -> str:
    """Insert (open, close) around each span; an overlapped span keeps only the earlier marker pair."""
    out, pos = [], 0
    for (start, end), open_, close in sorted(spans, key=lambda s: s[0]):
        if start < pos:
            continue
        out += [text[pos:start], open_, text[start:end], close]
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _mark(text: str, row: dict, actor: tuple[str, str], target: tuple[str, str], replace: bool) -> str:
    spans = []
    for field, (open_, close) in (("actor", actor), ("target", target)):
        span = mention_span(row, field, text)
        if span:
            spans.append((span, open_, close))
    if replace:  # drop the mention itself: the marker word stands for it
        out, pos = [], 0
        for (start, end), word, _ in sorted(spans, key=lambda s: s[0]):
            if start < pos:
                continue
            out += [text[pos:start], word]
            pos = end
        out.append(text[pos:])
        return "".join(out)
    return _rewrite(text, spans)


def masked_text(row: dict) -> str:
    return _mark(row["text"], row, (ACTOR_WORD, ""), (TARGET_WORD, ""), replace=True)


def describe(code: str, names: dict[str, str]) -> str:
    return TARGET_NAMES.get(code) or names.get(code) or code


def marked_pair(row: dict, names: dict[str, str], use_context: bool = True) -> tuple[str, str]:
    """(sentence with marked mentions, query naming actor and target [+ marked context when a mention lives there])."""
    text = _mark(row["text"], row, ACTOR_MARK, TARGET_MARK, replace=False)
    actor = row.get("actor") or ""
    implicit = actor and not row.get("actor_mention")
    query = f"{describe(actor, names) + (' (the speaker)' if implicit else '')} toward " if actor else ""
    query += describe(row["target"], names) if row["target"] not in ("ENTITY",) else (row.get("target_mention") or "")
    context = row.get("context") or ""
    needs_context = any(
        row.get(f"{f}_mention") and mention_span(row, f, row["text"]) is None for f in ("actor", "target")
    )
    if use_context and context and needs_context:
        query += " | " + _mark(context, row, ACTOR_MARK, TARGET_MARK, replace=False)
    return text, query
