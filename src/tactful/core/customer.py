"""The customer-message reader: what mood a pasted customer message shows.

``read_customer(text)`` names cues (angry, urgent, repeat contact, confused,
anxious, hardship, happy), each with the words that gave it away, so the popup
can show them above the results and put the reminders that fit first
("Let them vent before you offer the fix."). Like the draft checker it reads
text, never guesses in secret: every cue points at its words. The cue
patterns, reminders and matching situations are data in
``resources/tone/customer.toml``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from tactful.core.tone_rules import (
    Scanner,
    ToneDataError,
    bundled_rulebook,
    compile_patterns,
    read_data,
    strings,
)
from tactful.core.tone_text import Negation, SpanSet, lower_same_length, normalise, quoted_spans
from tactful.resources import resource_dir

__all__ = [
    "CUE_KINDS",
    "Cue",
    "CustomerReader",
    "looks_like_message",
    "read_customer",
    "reminders_for",
    "situations_for",
]

CUE_KINDS = ("angry", "urgent", "repeat_contact", "confused", "anxious", "hardship", "happy")


@dataclass(frozen=True, slots=True)
class Cue:
    """One sign of the customer's state, and the words that show it.

    Attributes:
        kind: One of :data:`CUE_KINDS`.
        start: Offset of the words in the message.
        end: Offset just past them.
        words: The words themselves, as the customer wrote them.
    """

    kind: str
    start: int
    end: int
    words: str


@dataclass(frozen=True, slots=True)
class _CueRule:
    kind: str
    scanner: Scanner
    negatable: bool


_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0391-\u03a9\u0410-\u042f"
_CAPS_RUN = re.compile(rf"(?<!\w)[{_UPPER}]{{2,}}(?:[ \t]+[{_UPPER}]{{2,}})*(?!\w)")
_ANGRY_MARKS = re.compile(r"[!?]*(?:\?!|!\?)[!?]*")
_SENTENCE_MARK = re.compile(r"[.!?]\s+\S")
_WORD = re.compile(r"[^\W_]+")


class CustomerReader:
    """The compiled cue patterns, reminders and situations."""

    def __init__(self, folder: Path) -> None:
        path = folder / "customer.toml"
        data = read_data(path)
        rules: list[_CueRule] = []
        raw_cues = data.get("cues", [])
        if not isinstance(raw_cues, list):
            raise ToneDataError(path, "cues", "expected an array of tables ([[cues]])")
        for i, raw in enumerate(raw_cues):
            where = f"cues[{i}]"
            kind = raw.get("kind") if isinstance(raw, dict) else None
            if kind not in CUE_KINDS:
                raise ToneDataError(path, f"{where}.kind", f"expected one of {CUE_KINDS}")
            patterns = strings(path, f"{where}.patterns", raw.get("patterns"))
            scanner = compile_patterns(path, f"{where}.patterns", patterns)
            rules.append(_CueRule(kind, scanner, bool(raw.get("negatable", False))))
        self._rules = tuple(rules)
        self.reminders = self._per_kind(path, data, "reminders")
        self.situations = self._per_kind(path, data, "situations")
        order = strings(path, "order", data.get("order", list(CUE_KINDS)))
        if sorted(order) != sorted(CUE_KINDS):
            raise ToneDataError(path, "order", f"expected each of {CUE_KINDS} once")
        self.order = tuple(order)
        self._negation = Negation(
            ["not", "no", "never", "nothing", "without", "hardly", "nor"], window_words=3
        )
        shouting = bundled_rulebook().check("shouting").params
        self._acronyms = frozenset(str(a).upper() for a in shouting.get("acronyms", ()))

    @staticmethod
    def _per_kind(path: Path, data: Mapping[str, object], key: str) -> dict[str, tuple[str, ...]]:
        table = data.get(key, {})
        if not isinstance(table, dict):
            raise ToneDataError(path, key, "expected a table")
        out: dict[str, tuple[str, ...]] = {}
        for kind, values in table.items():
            if kind not in CUE_KINDS:
                raise ToneDataError(path, f"{key}.{kind}", f"expected one of {CUE_KINDS}")
            out[kind] = tuple(strings(path, f"{key}.{kind}", values))
        return out

    def read(self, text: str) -> list[Cue]:
        """The cues in ``text``, sorted by where they start."""
        if not text or not text.strip():
            return []
        norm = normalise(text)
        low = lower_same_length(norm)
        quotes = SpanSet(quoted_spans(text))
        found: list[Cue] = []
        for rule in self._rules:
            for m in rule.scanner.finditer(low):
                start, end = m.span()
                if start == end or (len(quotes) and quotes.covers(start, end)):
                    continue
                if rule.negatable and self._negation(norm, start):
                    continue
                found.append(Cue(rule.kind, start, end, text[start:end]))
        found.extend(self._shouting(text, quotes))
        return _one_per_span(found)

    def _shouting(self, text: str, quotes: SpanSet) -> Iterable[Cue]:
        for m in _CAPS_RUN.finditer(text):
            words = [w for w in m.group().split() if w not in self._acronyms]
            loud = sum(len(w) for w in words) >= 6 and (len(words) >= 2 or len(words[0]) >= 5)
            if loud and not (len(quotes) and quotes.covers(m.start(), m.end())):
                yield Cue("angry", m.start(), m.end(), m.group())
        for m in _ANGRY_MARKS.finditer(text):
            if not (len(quotes) and quotes.covers(m.start(), m.end())):
                yield Cue("angry", m.start(), m.end(), m.group())

    def kinds(self, cues: Iterable[Cue]) -> list[str]:
        """The distinct kinds among ``cues``, in display order (hardship first)."""
        present = {c.kind for c in cues}
        return [kind for kind in self.order if kind in present]

    def reminders_for(self, cues: Iterable[Cue]) -> list[str]:
        """The reminders that fit ``cues``, most pressing cue first, no repeats."""
        out: list[str] = []
        for kind in self.kinds(cues):
            out.extend(r for r in self.reminders.get(kind, ()) if r not in out)
        return out

    def situations_for(self, cues: Iterable[Cue]) -> list[str]:
        """The standard situation ids whose templates fit ``cues``, no repeats."""
        out: list[str] = []
        for kind in self.kinds(cues):
            out.extend(s for s in self.situations.get(kind, ()) if s not in out)
        return out


def _one_per_span(cues: list[Cue]) -> list[Cue]:
    cues.sort(key=lambda c: (c.kind, c.start, -c.end))
    kept: list[Cue] = []
    for cue in cues:
        if kept and kept[-1].kind == cue.kind and cue.start < kept[-1].end:
            continue
        kept.append(cue)
    kept.sort(key=lambda c: (c.start, c.end, c.kind))
    return kept


@functools.cache
def bundled_reader() -> CustomerReader:
    """The reader for the bundled ``customer.toml``, built once per process."""
    return CustomerReader(resource_dir("tone"))


def read_customer(text: str) -> list[Cue]:
    """The cues in a customer's message, sorted by where they start.

    Empty text has none; any text, however long or strange, is read in one
    pass without raising.
    """
    return bundled_reader().read(text)


def reminders_for(cues: Iterable[Cue]) -> list[str]:
    """The reminders that fit ``cues`` (e.g. angry → "Let them vent before you offer the fix.")."""
    return bundled_reader().reminders_for(cues)


def situations_for(cues: Iterable[Cue]) -> list[str]:
    """The standard situation ids that fit ``cues`` (e.g. angry → ``angry_customer``)."""
    return bundled_reader().situations_for(cues)


MESSAGE_MIN_WORDS = 12
"""A query this long reads as a pasted message rather than typed search words."""


def looks_like_message(text: str) -> bool:
    """Whether a popup query looks like a pasted customer message.

    Typed searches are a few words; a message is longer, or has sentences or
    line breaks.
    """
    words = sum(1 for _ in _WORD.finditer(text[:4000]))
    if words >= MESSAGE_MIN_WORDS:
        return True
    return words >= 6 and ("\n" in text.strip() or _SENTENCE_MARK.search(text) is not None)
