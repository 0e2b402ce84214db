"""Scanning a draft for many patterns at once, trying each only where it can start.

A tone rule has dozens of patterns, and a regular-expression alternation of
them is tried at every character of the draft. Almost all of them start with
a word ("you", "sorry", "our", an ``@list`` of verbs), so :func:`first_words`
works out, from the pattern's text, the exact words a match can begin with; a
:class:`Scanner` then tries a pattern only where one of those words starts in
the draft (a word being a run of letters and digits). A draft's words are
indexed once (:class:`WordIndex`) and shared by every rule, so checking costs
a dictionary look-up per rule and word rather than a regex attempt per rule
and character. Patterns whose start can't be worked out (they start with
punctuation, a character class or a repeat) are scanned the plain way.

Everything stays linear in the length of the draft.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

__all__ = ["Scanner", "WordIndex", "first_words"]

_TOKEN = re.compile(r"[^\W_]+")
_MAX_STARTS = 4096
"""Give up (scan the plain way) when a pattern has more starting words than this."""


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class WordIndex:
    """Where each word starts in a (lower-case) text: ``word -> [offsets]``.

    Only starts of words count: a run of letters and digits not preceded by a
    letter, digit or underscore.
    """

    __slots__ = ("positions", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        positions: dict[str, list[int]] = {}
        for m in _TOKEN.finditer(text):
            start = m.start()
            if start > 0 and text[start - 1] == "_":
                continue
            positions.setdefault(m.group(), []).append(start)
        self.positions = positions


# --- what a pattern can start with -------------------------------------------------


@dataclass
class _Node:
    """One atom of a pattern, with how often it may repeat."""

    kind: str  # "char", "sep", "boundary", "wordend", "empty", "look", "group", "other"
    char: str = ""
    alts: list[list[_Node]] = field(default_factory=list)
    low: int = 1
    high: int = 1


class _UnknownStartError(Exception):
    """The pattern uses syntax the analysis does not follow."""


_QUANT = re.compile(r"\?|\*|\+|\{(\d*)(?:,(\d*))?\}")
_SEP_ESCAPES = frozenset("snt")


class _Parser:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0

    def parse(self) -> list[list[_Node]]:
        alts = self._alternatives()
        if self.i != len(self.p):
            raise _UnknownStartError
        return alts

    def _alternatives(self) -> list[list[_Node]]:
        alts = [self._sequence()]
        while self.i < len(self.p) and self.p[self.i] == "|":
            self.i += 1
            alts.append(self._sequence())
        return alts

    def _sequence(self) -> list[_Node]:
        seq: list[_Node] = []
        while self.i < len(self.p) and self.p[self.i] not in "|)":
            node = self._atom()
            self._quantifier(node)
            seq.append(node)
        return seq

    def _atom(self) -> _Node:
        p, i = self.p, self.i
        ch = p[i]
        if ch == "(":
            return self._group()
        if ch == "\\":
            if i + 1 >= len(p):
                raise _UnknownStartError
            esc = p[i + 1]
            self.i += 2
            if esc == "b":
                return _Node("boundary")
            if esc in "BAZ":
                return _Node("empty")
            if esc in _SEP_ESCAPES:
                return _Node("sep")
            if esc.isalnum():
                return _Node("other")  # \w, \d, \S, \W ...: could be a letter
            return _Node("sep")  # an escaped punctuation mark
        self.i += 1
        if ch in "^$":
            return _Node("empty")
        if ch == "[":
            letters = self._class()
            if letters:
                return _Node("group", alts=[[_Node("char", char=c)] for c in letters])
            return _Node("other")
        if ch == ".":
            return _Node("other")
        if ch in "*+?{":
            raise _UnknownStartError
        if _is_word(ch):
            return _Node("char", char=ch)
        return _Node("sep")

    def _class(self) -> str:
        """Skip a character class; its letters when it is a plain set like ``[sz]``."""
        p = self.p
        start = self.i
        if self.i < len(p) and p[self.i] == "^":
            self.i += 1
        if self.i < len(p) and p[self.i] == "]":
            self.i += 1
        while self.i < len(p) and p[self.i] != "]":
            self.i += 2 if p[self.i] == "\\" else 1
        if self.i >= len(p):
            raise _UnknownStartError
        body = p[start : self.i]
        self.i += 1
        return body if body and all(_is_word(c) for c in body) else ""

    def _group(self) -> _Node:
        p = self.p
        self.i += 1
        kind = "group"
        if p.startswith("?:", self.i):
            self.i += 2
        elif p.startswith("?P<", self.i):
            end = p.find(">", self.i)
            if end < 0:
                raise _UnknownStartError
            self.i = end + 1
        elif p.startswith("?!\\w)", self.i):
            self.i += 5
            return _Node("wordend")
        elif p.startswith(("?=", "?!"), self.i):
            self.i += 2
            kind = "look"
        elif p.startswith(("?<=", "?<!"), self.i):
            self.i += 3
            kind = "look"
        elif p.startswith("?", self.i):
            raise _UnknownStartError  # flags, back-references, conditionals
        alts = self._alternatives()
        if self.i >= len(p) or p[self.i] != ")":
            raise _UnknownStartError
        self.i += 1
        return _Node(kind, alts=alts)

    def _quantifier(self, node: _Node) -> None:
        m = _QUANT.match(self.p, self.i)
        if m is None:
            return
        text = m.group()
        if text == "?":
            node.low, node.high = 0, 1
        elif text == "*":
            node.low, node.high = 0, 2
        elif text == "+":
            node.low, node.high = 1, 2
        else:
            low = int(m.group(1) or 0)
            high = m.group(2)
            node.low = low
            node.high = low if high is None and "," not in text else (int(high) if high else 2)
        self.i = m.end()
        if self.i < len(self.p) and self.p[self.i] in "?+":
            self.i += 1  # lazy or possessive
        if node.kind in ("look", "boundary", "wordend", "empty"):
            raise _UnknownStartError


def _starts(seq: Sequence[_Node], i: int, word: str, depth: int = 0) -> set[str]:
    """The words a match of ``seq[i:]`` can start with, given ``word`` read so far."""
    if depth > 200:
        raise _UnknownStartError
    if i == len(seq):
        raise _UnknownStartError  # the word may run on past the pattern's end
    node = seq[i]
    rest = i + 1
    if node.kind in ("empty", "look"):
        return _starts(seq, rest, word, depth + 1)
    if node.kind in ("boundary", "wordend"):
        # after letters, a boundary ends the word; before any, it only marks a start
        return {word} if word else _starts(seq, rest, word, depth + 1)
    if node.kind == "sep":
        if not word:
            raise _UnknownStartError  # a match that starts with a separator is not at a word
        if node.low == 0:
            return {word} | _starts(seq, rest, word, depth + 1)
        return {word}
    if node.kind == "char":
        if node.high > 1:
            raise _UnknownStartError
        longer = _starts(seq, rest, word + node.char, depth + 1)
        return longer | _starts(seq, rest, word, depth + 1) if node.low == 0 else longer
    if node.kind == "group":
        if node.high > 1:
            raise _UnknownStartError
        found: set[str] = set()
        for alt in node.alts:
            found |= _starts([*alt, *seq[rest:]], 0, word, depth + 1)
            if len(found) > _MAX_STARTS:
                raise _UnknownStartError
        return found | _starts(seq, rest, word, depth + 1) if node.low == 0 else found
    raise _UnknownStartError


def first_words(pattern: str) -> frozenset[str] | None:
    r"""The exact words every match of ``pattern`` starts with, or None if unknown.

    A word is a run of letters and digits, as :class:`WordIndex` reads it, so
    ``you(?:'re|\s+are)`` starts with "you" and ``(?:i|we)\s+can`` with "i"
    or "we". None means the pattern could start with punctuation or a
    character class, or its first word is not settled by the pattern (it ends
    mid-word, or repeats a letter); such a pattern has to be scanned everywhere.
    """
    try:
        alts = _Parser(pattern).parse()
        found: set[str] = set()
        for alt in alts:
            found |= _starts(alt, 0, "")
    except (_UnknownStartError, RecursionError):
        return None
    return frozenset(found) if found and all(found) else None


# --- the scanner -------------------------------------------------------------------


class Scanner:
    r"""Compiled patterns, each tried only where a word it can start with begins.

    Patterns that start with ``\b`` and a word are indexed by that word; the
    rest are joined into one alternation that is scanned everywhere. A match
    found through the index starts at a word start, as ``\b`` requires.
    """

    __slots__ = ("_by_word", "_free", "_group_names")

    def __init__(self, patterns: Sequence[str], flags: int = re.MULTILINE) -> None:
        """Compile ``patterns``.

        Raises:
            re.error: A pattern does not compile (also when two patterns
                define the same group name).
        """
        indexed: dict[str, list[int]] = {}
        free: list[str] = []
        for n, pattern in enumerate(patterns):
            words = first_words(pattern[2:]) if pattern.startswith("\\b") else None
            if words is None:
                free.append(pattern)
                continue
            for word in words:
                indexed.setdefault(word, []).append(n)
        # One alternation per set of patterns sharing a first word, in the order
        # the patterns were written, so the first that matches wins as before.
        cache: dict[tuple[int, ...], re.Pattern[str]] = {}
        by_word: dict[str, re.Pattern[str]] = {}
        for word, members in indexed.items():
            key = tuple(members)
            if key not in cache:
                cache[key] = re.compile("|".join(f"(?:{patterns[k][2:]})" for k in key), flags)
            by_word[word] = cache[key]
        self._by_word = by_word
        self._free = re.compile("|".join(f"(?:{p})" for p in free), flags) if free else None
        names: set[str] = set()
        for rx in (*cache.values(), *((self._free,) if self._free else ())):
            names.update(rx.groupindex)
        self._group_names = frozenset(names)
        if len(names) > 0:
            # every pattern together must still be one valid alternation
            re.compile("|".join(f"(?:{p})" for p in patterns), flags)

    @property
    def groupindex(self) -> frozenset[str]:
        """The names of the groups in the patterns."""
        return self._group_names

    def finditer(self, text: str, index: WordIndex | None = None) -> Iterator[re.Match[str]]:
        """Every match in ``text`` (normalised, lower case), in order of where it starts.

        Matches of the indexed patterns don't overlap each other, nor do those
        of the rest; pass ``index`` (built from ``text``) to share it between
        scanners.
        """
        found: list[re.Match[str]] = []
        if self._by_word:
            if index is None or index.text is not text:
                index = WordIndex(text)
            found = self._indexed(text, index)
        if self._free is not None:
            found.extend(self._free.finditer(text))
            found.sort(key=lambda m: m.start())
        yield from found

    def _indexed(self, text: str, index: WordIndex) -> list[re.Match[str]]:
        tries: list[tuple[int, re.Pattern[str]]] = []
        by_word = self._by_word
        for word in by_word.keys() & index.positions.keys():
            rx = by_word[word]
            tries.extend((pos, rx) for pos in index.positions[word])
        tries.sort(key=lambda t: t[0])
        out: list[re.Match[str]] = []
        end = -1
        for pos, rx in tries:
            if pos < end:
                continue
            m = rx.match(text, pos)
            if m is not None:
                out.append(m)
                end = max(m.end(), pos + 1)
        return out
