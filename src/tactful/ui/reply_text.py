"""The reply as it will be pasted, piece by piece: what the tone check reads and the preview shows.

The popup's preview shows a reply with its placeholders marked, and the tone
check must read exactly the text that Enter would paste. :func:`pasted_reply`
walks the template body once with core's parser and core's rule for values (a
placeholder gets its non-empty value, else its fallback, as
``core.placeholders.render`` does) and keeps, for every piece, where it sits
in the pasted text and what the preview shows for it.

A placeholder with neither a value nor a fallback is never pasted as it is:
the fill-in form asks for it first (and what the agent types goes into every
occurrence of the name, those with a fallback too). In the checked text it stands in as its
label ("Order ID"), so sentences keep their shape and length, and a finding
that lies wholly inside such a stand-in is not reported (it would be about the
label, not about anything the customer will read).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import Enum

from tactful.core.errors import PlaceholderError
from tactful.core.placeholders import Placeholder, parse
from tactful.core.tone import Finding
from tactful.ui.fillin import label_for

MARK_PAD = "\u202f"
"""Narrow no-break space around a marked placeholder: room for its tint, never a line break."""


class PieceKind(Enum):
    """What a piece of the reply is."""

    TEXT = "text"
    """Literal text of the template."""
    VALUE = "value"
    """A placeholder with a value (settings or typed): the value is pasted and shown."""
    FALLBACK = "fallback"
    """A placeholder without a value: its fallback is pasted, its label shown."""
    MISSING = "missing"
    """A placeholder the form must ask for: its label stands in and is shown."""


@dataclass(frozen=True, slots=True)
class Piece:
    """One piece of the reply.

    Attributes:
        kind: What the piece is.
        start: Offset of the piece in the checked text.
        end: Offset just past it.
        pasted: What is pasted (or stands in) for it: ``text[start:end]``.
        shown: What the preview shows for it.
        shown_start: Offset of ``shown`` in the preview's text.
        name: The placeholder's name ("" for literal text).
    """

    kind: PieceKind
    start: int
    end: int
    pasted: str
    shown: str
    shown_start: int
    name: str = ""

    @property
    def marked(self) -> bool:
        """Whether the preview shows a label here rather than the pasted text."""
        return self.kind in (PieceKind.FALLBACK, PieceKind.MISSING)


@dataclass(frozen=True, slots=True)
class PastedReply:
    """A reply ready to preview and to check.

    Attributes:
        text: What would be pasted, with the labels of still-missing values standing in.
        pieces: The pieces in order, covering ``text`` and ``shown``.
        shown: The preview's text.
        malformed: Set when the body cannot be parsed; it is then shown as it is.
    """

    text: str
    pieces: tuple[Piece, ...]
    shown: str
    malformed: bool = False

    def _piece_at(self, offset: int) -> Piece | None:
        starts = [p.start for p in self.pieces]
        index = bisect_right(starts, offset) - 1
        while index > 0 and self.pieces[index].start == self.pieces[index].end == offset:
            index -= 1  # an empty piece at the offset: the one before holds it
        return self.pieces[index] if 0 <= index < len(self.pieces) else None

    def shown_span(self, start: int, end: int) -> tuple[int, int]:
        """Where the checked text's ``[start, end)`` is in the preview's text.

        Inside literal text and values the offsets carry over one to one; a
        span that touches a marked placeholder widens to the whole label.
        """
        shown_start = self._shown_offset(start, at_end=False)
        if end <= start:
            return shown_start, shown_start
        return shown_start, self._shown_offset(end, at_end=True)

    def _shown_offset(self, offset: int, *, at_end: bool) -> int:
        piece = self._piece_at(offset - 1 if at_end and offset > 0 else offset)
        if piece is None:
            return 0
        if piece.marked:
            return piece.shown_start + len(piece.shown) if at_end else piece.shown_start
        return piece.shown_start + max(0, min(len(piece.shown), offset - piece.start))

    def only_stand_in(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` lies wholly inside labels standing in for missing values."""
        if not self.pieces or end <= start:
            return False
        for piece in self.pieces:
            if piece.end <= start or piece.start >= end or piece.start == piece.end:
                continue
            if piece.kind is not PieceKind.MISSING:
                return False
        return True

    def pasted(self, findings: Sequence[Finding]) -> list[Finding]:
        """The findings about text that would really be pasted."""
        return [f for f in findings if not self.only_stand_in(f.start, f.end)]


def pasted_reply(body: str, values: Mapping[str, str]) -> PastedReply:
    """Split ``body`` into pieces with ``values`` filled in (empty values count as none).

    Newlines around the whole reply are dropped, as they are when pasting.
    """
    source = body.strip("\n")
    try:
        segments = parse(source)
    except PlaceholderError:
        whole = Piece(PieceKind.TEXT, 0, len(source), source, source, 0)
        return PastedReply(source, (whole,), source, malformed=True)
    asked = {  # the form asks for these, and the answer goes into every occurrence
        seg.name
        for seg in segments
        if isinstance(seg, Placeholder) and not values.get(seg.name) and seg.fallback is None
    }
    pieces: list[Piece] = []
    text_at = shown_at = 0
    for seg in segments:
        if isinstance(seg, Placeholder):
            kind, pasted, shown = _placeholder(seg, values, asked)
            name = seg.name
        else:
            kind, pasted, shown, name = PieceKind.TEXT, seg, seg, ""
        pieces.append(Piece(kind, text_at, text_at + len(pasted), pasted, shown, shown_at, name))
        text_at += len(pasted)
        shown_at += len(shown)
    return _trim_newlines(pieces)


def _placeholder(
    seg: Placeholder, values: Mapping[str, str], asked: set[str]
) -> tuple[PieceKind, str, str]:
    value = values.get(seg.name)
    if value:
        return PieceKind.VALUE, value, value
    label = f"{MARK_PAD}{label_for(seg.name)}{MARK_PAD}"
    if seg.name in asked or seg.fallback is None:
        return PieceKind.MISSING, label_for(seg.name), label
    return PieceKind.FALLBACK, seg.fallback, label


def _trim_newlines(pieces: list[Piece]) -> PastedReply:
    """Drop newlines that values or fallbacks put at either end of the reply."""
    full = "".join(p.pasted for p in pieces)
    lead = len(full) - len(full.lstrip("\n"))
    length = len(full.strip("\n"))
    if lead == 0 and length == len(full):
        return PastedReply(full, tuple(pieces), "".join(p.shown for p in pieces))
    trimmed: list[Piece] = []
    shown_at = 0
    for piece in pieces:
        start = min(max(piece.start - lead, 0), length)
        end = min(max(piece.end - lead, 0), length)
        cut_front = start - (piece.start - lead)
        pasted = piece.pasted[cut_front : cut_front + (end - start)]
        shown = piece.shown if piece.marked else pasted  # a label stays whole
        trimmed.append(Piece(piece.kind, start, end, pasted, shown, shown_at, piece.name))
        shown_at += len(shown)
    return PastedReply(
        full[lead : lead + length], tuple(trimmed), "".join(p.shown for p in trimmed)
    )
