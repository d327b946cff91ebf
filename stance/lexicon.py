"""The alias lexicon (`conf/actors/libya.yaml`): surface forms -> codebook codes, with date windows for people.

A user adds an actor by editing the YAML only. Matching is case-sensitive and word-bounded; all aliases are
compiled into one trie-shaped regular expression, so a long text is scanned once whatever the lexicon's size.
An entity's `phrases` are regular expressions for descriptive phrases that name it without an alias ("the
UN-backed government", "Haftar's offensive on Tripoli"); they are matched in a second pass and may overlap alias
mentions of other entities, so "UN-backed government" gives both the UN and the GNA (the codebook's UN -> GNA).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from stance.labels import TARGETS

DEFAULT_LEXICON = Path(__file__).resolve().parent.parent / "conf" / "actors" / "libya.yaml"
CODE_RE = re.compile(r"^[A-Z]{2,4}$")


def _in_window(start: str, end: str, date: str) -> bool:
    """Does the window overlap the article's period (a month, or a whole year when only YYYY is known)?"""
    if not date:
        return True
    lo, hi = (date[:7], date[:7]) if len(date) >= 7 else (f"{date[:4]}-01", f"{date[:4]}-12")
    return start <= hi and lo <= end


@dataclass(frozen=True)
class Alias:
    surface: str
    code: str
    as_actor: bool
    as_target: bool
    person: bool = False
    gender: str = ""
    start: str = "0000-00"  # inclusive window, YYYY-MM
    end: str = "9999-99"

    def active(self, date: str) -> bool:
        return _in_window(self.start, self.end, date)


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    code: str
    as_actor: bool
    as_target: bool
    person: bool
    gender: str
    phrase: bool = False  # from an entity's `phrases`: may overlap alias mentions of other entities


@dataclass(frozen=True)
class Phrase:
    pattern: re.Pattern  # the named group `m`, if any, is the mention; else the whole match
    code: str
    as_actor: bool
    as_target: bool
    start: str = "0000-00"
    end: str = "9999-99"

    def active(self, date: str) -> bool:
        return _in_window(self.start, self.end, date)


def _bound(value, end: bool) -> str:
    if value is None:
        return "9999-99" if end else "0000-00"
    text = str(value)
    if not re.match(r"^\d{4}(-\d{2})?$", text):
        raise ValueError(f"date window bound {value!r} must be YYYY or YYYY-MM")
    return text if len(text) == 7 else f"{text}-{'12' if end else '01'}"


def _trie_regex(words: list[str]) -> str:
    """A regex alternation with shared prefixes factored out (much faster than a flat list of literals)."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node) -> str:
        end = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch != ""]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if end else body

    return build(trie)


class Lexicon:
    def __init__(self, entities: dict, path: str | Path = "<dict>", targets=TARGETS, delegations: dict | None = None):
        self.path, self.targets = str(path), tuple(targets)
        # a speaker code whose delegation stands for a period-dependent camp (Libya's seat at the UN)
        self.delegations = {
            code: [(rule["code"], _bound(rule.get("from"), False), _bound(rule.get("to"), True)) for rule in rules]
            for code, rules in (delegations or {}).items()
        }
        self.names: dict[str, str] = {}
        self.aliases: list[Alias] = []
        self.phrases: list[Phrase] = []
        self._period_keys: dict[str, tuple] = {}  # period -> the ids of its active aliases
        self._patterns: dict[tuple, tuple] = {}  # active aliases -> (compiled pattern, surface -> alias)
        for code, entry in (entities or {}).items():
            if not CODE_RE.match(str(code)):
                raise ValueError(f"{path}: entity key {code!r} is not a codebook code (e.g. RUS, UN, GNA)")
            entry = entry or {}
            unknown = set(entry) - {"name", "aliases", "target_aliases", "people", "phrases"}
            if unknown:
                raise ValueError(
                    f"{path}: {code}: unknown keys {sorted(unknown)} "
                    "(allowed: name, aliases, target_aliases, people, phrases)"
                )
            is_target = code in self.targets
            self.names[code] = entry.get("name", self.names.get(code, code))
            for surface in entry.get("aliases") or []:
                self._add(Alias(str(surface), code, True, is_target), code)
            for surface in entry.get("target_aliases") or []:
                self._add(Alias(str(surface), code, False, True), code)
            for person in entry.get("people") or []:
                if not isinstance(person, dict) or not person.get("names"):
                    raise ValueError(f"{path}: {code}: each person needs `names: [...]`")
                for surface in person["names"]:
                    self._add(
                        Alias(
                            str(surface),
                            code,
                            True,
                            is_target,
                            True,
                            str(person.get("gender", "")),
                            _bound(person.get("from"), False),
                            _bound(person.get("to"), True),
                        ),
                        code,
                    )

            for rule in entry.get("phrases") or []:
                self.phrases.append(self._phrase(rule, code, is_target))

    def _phrase(self, rule, code: str, is_target: bool) -> Phrase:
        if not isinstance(rule, dict) or not rule.get("pattern"):
            raise ValueError(f"{self.path}: {code}: each phrase needs `pattern: <regular expression>`")
        role = rule.get("role", "both")
        if role not in ("actor", "target", "both"):
            raise ValueError(f"{self.path}: {code}: phrase role {role!r} must be actor, target or both")
        try:
            pattern = re.compile(r"(?<![\w-])(?:" + str(rule["pattern"]) + r")(?![\w])")
        except re.error as exc:
            raise ValueError(f"{self.path}: {code}: phrase {rule['pattern']!r} is not a regular expression ({exc})")
        return Phrase(
            pattern,
            code,
            role in ("actor", "both"),
            is_target and role in ("target", "both"),
            _bound(rule.get("from"), False),
            _bound(rule.get("to"), True),
        )

    def _add(self, alias: Alias, code: str) -> None:
        if not alias.surface.strip():
            raise ValueError(f"{self.path}: {code}: empty alias")
        self.aliases.append(alias)

    @classmethod
    def load(cls, path: str | Path = DEFAULT_LEXICON, targets=TARGETS) -> Lexicon:
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"lexicon {path} not found (set lexicon=PATH)")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data, dict) or "entities" not in data:
            raise ValueError(f"{path}: expected a mapping with an `entities:` key")
        return cls(data["entities"], path, targets, data.get("delegations"))

    def _compiled(self, period: str) -> tuple[re.Pattern | None, dict[str, Alias]]:
        """The pattern for a period. Periods whose active aliases are the same share one compiled pattern: a
        corpus spanning a decade of months compiles one per change of office, not one per month."""
        key = self._period_keys.get(period)
        if key is None:
            table: dict[str, Alias] = {}
            for alias in self.aliases:  # first active entry wins for a surface form (file order)
                if alias.active(period) and alias.surface not in table:
                    table[alias.surface] = alias
            key = self._period_keys[period] = tuple(id(a) for a in table.values())
            if key not in self._patterns:
                pattern = re.compile(r"(?<![\w-])(?:" + _trie_regex(sorted(table)) + r")(?![\w])") if table else None
                self._patterns[key] = (pattern, table)
        return self._patterns[key]

    def resolve_speaker(self, speaker: str, date: str = "") -> str:
        """A record's `speaker` (a code, "USA (White House)", or an alias) -> the codebook code of its actor."""
        speaker = (speaker or "").strip()
        match = re.match(r"^([A-Z]{2,4})\b", speaker)
        code = match.group(1) if match else next((m.code for m in self.find(speaker, date) if m.as_actor), "")
        for camp, start, end in self.delegations.get(code, ()):
            if _in_window(start, end, date):
                return camp
        return code

    def find(self, text: str, date: str = "") -> list[Mention]:
        """Mentions sorted by start: alias mentions never overlap each other (longest alias first at each
        position); phrase mentions may overlap those of other entities, and a mention inside another of the same
        entity is dropped. `date` (YYYY[-MM]) picks the date windows."""
        pattern, table = self._compiled(date[:7])
        out = []
        for m in pattern.finditer(text) if pattern is not None else ():
            a = table[m.group(0)]
            out.append(Mention(m.start(), m.end(), m.group(0), a.code, a.as_actor, a.as_target, a.person, a.gender))
        phrases = []
        for rule in self.phrases:
            if not rule.active(date):
                continue
            for m in rule.pattern.finditer(text):
                g = "m" if "m" in rule.pattern.groupindex and m.group("m") else 0
                phrases.append(
                    Mention(m.start(g), m.end(g), m.group(g), rule.code, rule.as_actor, rule.as_target, False, "", True)
                )
        if not phrases:
            return out
        kept, reach = [], {}  # a mention inside another mention of the same entity adds nothing
        for m in sorted(out + phrases, key=lambda m: (m.start, -m.end)):
            if m.end > reach.get(m.code, -1):
                kept.append(m)
                reach[m.code] = m.end
        return kept


@lru_cache(maxsize=4)
def load_lexicon(path: str = str(DEFAULT_LEXICON)) -> Lexicon:
    return Lexicon.load(path)


def actor_names(path: str = str(DEFAULT_LEXICON)) -> dict[str, str]:
    """code -> readable name, as shown to the transformer; falls back to the codes if no lexicon is there."""
    try:
        return dict(load_lexicon(path).names)
    except FileNotFoundError:
        return {}
