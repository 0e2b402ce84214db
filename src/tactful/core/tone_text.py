"""Text structure the tone checker and the customer reader both need.

Everything here keeps offsets: the normalised text has exactly the length of
the original, so a match in it points at the same characters in what the agent
typed. Every function is a single pass over the text (or a lookup in what one
pass built), so checking stays linear in the length of the input.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence

_FOLD = str.maketrans(
    {
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",  # right single quotation mark, the typographic apostrophe
        "\u02bc": "'",  # modifier letter apostrophe
        "\u2032": "'",  # prime
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2033": '"',
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space
    }
)


def normalise(text: str) -> str:
    """Fold typographic quotes and no-break spaces to ASCII, keeping every offset.

    Rules are written with ``'`` and plain spaces; an agent's editor may have
    typed a typographic apostrophe (U+2019) or a no-break space. Each
    replacement is one character for one character, so offsets into the
    result are offsets into ``text``.
    """
    return text.translate(_FOLD)


def lower_same_length(text: str) -> str:
    """``text`` in lower case, one character for one character.

    ``str.lower`` turns a few characters into two (``İ`` becomes ``i̇``); those
    are kept as they are, so offsets stay valid.
    """
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


# Characters that open or close a quotation. Single quotes double as
# apostrophes, so they are only taken as quotes where an apostrophe cannot be.
_QUOTE_CHARS = re.compile("[\"\u201c\u201d\u201e\u00ab\u00bb'\u2018\u2019]|\\n[ \\t]*\\n")
_DOUBLE_OPEN = frozenset("\u201c\u201e\u00ab")
_DOUBLE_CLOSE = frozenset("\u201d\u00bb")


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` spans inside quotation marks, quote marks included.

    Straight and curly double quotes, guillemets, and single quotes where they
    cannot be apostrophes (an opening ``'`` follows a non-word character and
    precedes a word character). A quotation never runs past a blank line; one
    left open there is not a quotation. Spans are sorted and do not overlap.
    """
    spans: list[tuple[int, int]] = []
    dq: int | None = None  # where the open double quotation started
    sq: int | None = None
    n = len(text)
    for m in _QUOTE_CHARS.finditer(text):
        ch = m.group()
        i = m.start()
        if ch[0] == "\n":
            dq = sq = None
            continue
        if ch == '"':
            if dq is None:
                dq = i
            else:
                spans.append((dq, i + 1))
                dq = sq = None
        elif ch in _DOUBLE_OPEN:
            if dq is None:
                dq = i
            elif ch == "\u201c":  # German style closes with a low-high pair
                spans.append((dq, i + 1))
                dq = sq = None
        elif ch in _DOUBLE_CLOSE:
            if dq is not None:
                spans.append((dq, i + 1))
                dq = sq = None
        else:  # a single quote or apostrophe
            before = text[i - 1] if i > 0 else " "
            after = text[i + 1] if i + 1 < n else " "
            if sq is None:
                if ch != "\u2019" and not _is_word(before) and _is_word(after):
                    sq = i
            elif not before.isspace() and not _is_word(after):
                spans.append((sq, i + 1))
                sq = None
    return _merge(spans)


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort()
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


class SpanSet:
    """Sorted, non-overlapping spans with a fast "is this inside one" test."""

    def __init__(self, spans: Sequence[tuple[int, int]]) -> None:
        self._starts = [s for s, _ in spans]
        self._ends = [e for _, e in spans]

    def covers(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies inside one of the spans."""
        i = bisect_right(self._starts, start) - 1
        return i >= 0 and end <= self._ends[i]

    def __len__(self) -> int:
        return len(self._starts)


# A sentence ends at . ! ? or … followed by space or the end (closing quotes and
# brackets stay with their sentence), or at a line break.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"')\]\u201d\u2019]*(?=\s|$)|\n")


class Sentences:
    """The sentence boundaries of a text, found once.

    Sentence ``i`` runs from ``starts[i]`` to ``ends[i]``; leading whitespace is
    not part of a sentence. The last sentence may have no final punctuation.
    """

    def __init__(self, text: str) -> None:
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for m in _SENTENCE_END.finditer(text):
            self._add(text, pos, m.end(), starts, ends)
            pos = m.end()
        self._add(text, pos, len(text), starts, ends)
        self.starts = starts
        self.ends = ends

    @staticmethod
    def _add(text: str, start: int, end: int, starts: list[int], ends: list[int]) -> None:
        while start < end and text[start].isspace():
            start += 1
        stop = end
        while stop > start and text[stop - 1].isspace():
            stop -= 1
        if stop > start:
            starts.append(start)
            ends.append(stop)

    def __len__(self) -> int:
        return len(self.starts)

    def index(self, pos: int) -> int:
        """The number of the sentence that holds offset ``pos`` (or precedes it)."""
        return max(bisect_right(self.starts, pos) - 1, 0)

    def mark(self, positions: Iterable[int]) -> list[bool]:
        """A flag per sentence: whether any of ``positions`` falls in it."""
        flags = [False] * len(self.starts)
        if flags:
            for pos in positions:
                flags[self.index(pos)] = True
        return flags


_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_CLAUSE_BREAK = re.compile(r"[,.!?;:\n\u2026]|\bbut\b", re.IGNORECASE)
NEGATION_LOOKBACK_CHARS = 60
"""How far back a negation can be; with the word limit this keeps the test O(1)."""


class Negation:
    """Decides whether a match is negated by a word shortly before it.

    ``I won't ask you to calm down`` and ``there is no need to`` negate what
    follows; ``No, calm down`` does not: a negation only reaches to the end of
    its clause (``, . ! ? ; :``, a line break or *but*).
    """

    def __init__(self, negators: Iterable[str], window_words: int) -> None:
        self._negators = frozenset(w.lower() for w in negators)
        self._window = window_words

    def __call__(self, text: str, start: int) -> bool:
        """Whether the words just before ``start`` (same clause) hold a negation."""
        for word in words_before(text, start, self._window):
            low = word.lower()
            if low in self._negators or low.endswith("n't"):
                return True
        return False


def words_before(text: str, start: int, count: int) -> list[str]:
    """Up to ``count`` words just before ``start``, in the same clause, in order.

    The clause starts after the last ``, . ! ? ; :``, line break or *but*; only
    the last ``NEGATION_LOOKBACK_CHARS`` characters are looked at, so this is
    O(1) in the length of ``text``.
    """
    lo = max(0, start - NEGATION_LOOKBACK_CHARS)
    before = text[lo:start]
    cut = 0
    for clause_break in _CLAUSE_BREAK.finditer(before):
        cut = clause_break.end()
    return _WORD.findall(before[cut:])[-count:] if count > 0 else []


def count_words(text: str) -> int:
    """The number of words in ``text`` (letters and digits, inner apostrophes)."""
    return sum(1 for _ in _WORD.finditer(text))
