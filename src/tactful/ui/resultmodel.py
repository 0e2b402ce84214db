"""The popup's result list as one ``QAbstractListModel``.

Each row is a search :class:`~tactful.core.search.Hit` prepared once for
painting: the title, a one-line preview of the reply, the situation's and the
pack's names, and the match spans core computed, mapped into the preview's
text (whitespace is collapsed and a leading salutation skipped, so body
offsets do not equal preview offsets). The model also knows which templates
are the agent's favourites (``Role.FAVOURITE``; the delegate draws a star).
The delegate reads everything through the roles below; nothing is computed
while painting.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from tactful.core.library import Library
from tactful.core.model import Template
from tactful.core.search import Hit

PREVIEW_CHARS = 240
"""The preview keeps this many characters; the delegate elides it to the row's width."""
LEAD_IN = 32
"""When the first match is far into the reply, the preview starts about this far before it."""
FAR_MATCH = 80
"""A match further into the preview than this moves the preview's start."""
SALUTATION_MAX = 40
"""A first line at most this long, ending in a comma, is a salutation the preview skips."""
ELLIPSIS = "…"
_WORD_RUN = re.compile(r"\S+")

Range = tuple[int, int]


class Role(IntEnum):
    """The data roles of :class:`ResultModel`."""

    TITLE = Qt.ItemDataRole.UserRole + 1
    PREVIEW = Qt.ItemDataRole.UserRole + 2
    SITUATION = Qt.ItemDataRole.UserRole + 3
    PACK = Qt.ItemDataRole.UserRole + 4
    TITLE_SPANS = Qt.ItemDataRole.UserRole + 5
    PREVIEW_SPANS = Qt.ItemDataRole.UserRole + 6
    TEMPLATE = Qt.ItemDataRole.UserRole + 7
    HIT = Qt.ItemDataRole.UserRole + 8
    FAVOURITE = Qt.ItemDataRole.UserRole + 9
    """Whether the row's template is one of the agent's favourites (``bool``)."""


@dataclass(frozen=True, slots=True)
class Preview:
    """A one-line preview and where the matches are in it."""

    text: str
    spans: tuple[Range, ...]


def _salutation_end(body: str) -> int:
    """Offset just after a short first line like ``Hi {customer_name|there},``, or 0."""
    stripped = body.lstrip()
    lead = len(body) - len(stripped)
    newline = stripped.find("\n")
    if newline == -1:
        return 0
    first = stripped[:newline].rstrip()
    if (
        first
        and len(first) <= SALUTATION_MAX
        and first.endswith(",")
        and stripped[newline:].strip()
    ):
        return lead + newline + 1
    return 0


def one_line_preview(body: str, spans: Sequence[Range] = (), limit: int = PREVIEW_CHARS) -> Preview:
    """The reply on one line, with ``spans`` (offsets into ``body``) mapped into it.

    Whitespace runs become one space, a salutation line is skipped, and when
    the first match lies far in, the preview starts shortly before it behind
    an ellipsis, so the highlighted words are visible in a narrow row.
    """
    start = _salutation_end(body)
    ordered = sorted((s, e) for s, e in spans if e > s)
    if ordered and ordered[0][0] < start:
        start = 0  # a match in the salutation: keep it
    bound = min(len(body), (ordered[0][0] if ordered else start) + 2 * limit + FAR_MATCH)
    # Runs of non-space characters, joined by single spaces; (body offset, preview offset).
    words: list[str] = []
    run_body: list[int] = []
    run_out: list[int] = []
    length = 0
    for match in _WORD_RUN.finditer(body, start, bound):
        if words:
            length += 1
        run_body.append(match.start())
        run_out.append(length)
        words.append(match.group())
        length += len(words[-1])
    text = " ".join(words)

    def mapped(offset: int) -> int:
        """Where body ``offset`` lands: inside a run, or just after the run before it."""
        i = bisect.bisect_right(run_body, offset) - 1
        if i < 0:
            return 0
        return run_out[i] + min(offset - run_body[i], len(words[i]))

    ranges = [(mapped(s), mapped(e)) for s, e in ordered if s >= start and s < bound]
    cut = 0
    if ranges and ranges[0][0] > FAR_MATCH:
        space = text.rfind(" ", 0, ranges[0][0] - LEAD_IN)
        cut = space + 1 if space != -1 else ranges[0][0] - LEAD_IN
    prefix = ELLIPSIS if cut else ""
    shift = len(prefix) - cut
    text = prefix + text[cut:]
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + ELLIPSIS
    visible = len(text) - 1 if text.endswith(ELLIPSIS) else len(text)
    clipped: list[Range] = []
    for s, e in ranges:
        s2, e2 = s + shift, min(e + shift, visible)
        if s2 >= len(prefix) and s2 < e2:
            clipped.append((s2, e2))
    return Preview(text, tuple(clipped))


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One row, prepared for painting."""

    hit: Hit
    title: str
    title_spans: tuple[Range, ...]
    preview: Preview
    situation: str
    pack: str


class ResultModel(QAbstractListModel):
    """Search hits for the popup's list view.

    Args:
        library: Resolves situation and pack names.
        parent: Qt parent.
    """

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._rows: list[ResultRow] = []
        self._channel: str | None = None
        self._favourites: frozenset[str] = frozenset()

    def set_library(self, library: Library) -> None:
        """Use ``library`` for names from now on and clear the rows."""
        self._library = library
        self.set_hits([])

    @property
    def channel(self) -> str | None:
        """The channel the hits were searched for (their body spans refer to it)."""
        return self._channel

    def set_hits(self, hits: Sequence[Hit], channel: str | None = None) -> None:
        """Show ``hits``, whose body spans index ``template.body_for(channel)``."""
        self.beginResetModel()
        self._channel = channel
        self._rows = [self._row(hit, channel) for hit in hits]
        self.endResetModel()

    @property
    def favourites(self) -> frozenset[str]:
        """The full ids of the favourite templates (starred rows)."""
        return self._favourites

    def set_favourites(self, full_ids: Iterable[str]) -> None:
        """Star the rows whose template is in ``full_ids`` (and only those)."""
        new = frozenset(full_ids)
        if new == self._favourites:
            return
        old, self._favourites = self._favourites, new
        changed = old ^ new
        for number, found in enumerate(self._rows):
            if found.hit.template.full_id in changed:
                index = self.index(number)
                self.dataChanged.emit(index, index, [int(Role.FAVOURITE)])

    def is_favourite(self, number: int) -> bool:
        """Whether row ``number`` holds a favourite (``False`` for no such row)."""
        found = self.row(number)
        return found is not None and found.hit.template.full_id in self._favourites

    def row_of(self, full_id: str) -> int:
        """The row showing template ``full_id``, or -1."""
        for number, found in enumerate(self._rows):
            if found.hit.template.full_id == full_id:
                return number
        return -1

    def _row(self, hit: Hit, channel: str | None) -> ResultRow:
        template = hit.template
        title_spans = tuple((s.start, s.end) for s in hit.spans if s.field == "title")
        body_spans = [(s.start, s.end) for s in hit.spans if s.field == "body"]
        situation = self._library.situations.get(template.situation)
        pack = self._library.pack(template.pack_id)
        return ResultRow(
            hit=hit,
            title=template.title,
            title_spans=title_spans,
            preview=one_line_preview(template.body_for(channel), body_spans),
            situation=situation.name if situation is not None else template.situation,
            pack=pack.name if pack is not None else template.pack_id,
        )

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex | None = None) -> int:
        """The number of hits (a list model has no children)."""
        if parent is not None and parent.isValid():
            return 0
        return len(self._rows)

    def row(self, number: int) -> ResultRow | None:
        """The prepared row ``number``, if there is one."""
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def template(self, number: int) -> Template | None:
        """The template of row ``number``, if there is one."""
        found = self.row(number)
        return found.hit.template if found is not None else None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """The value of ``role`` for the row of ``index``."""
        if not index.isValid():
            return None
        found = self.row(index.row())
        if found is None:
            return None
        match role:
            case Qt.ItemDataRole.DisplayRole | Role.TITLE:
                return found.title
            case Qt.ItemDataRole.ToolTipRole:
                return found.hit.template.full_id
            case Role.PREVIEW:
                return found.preview.text
            case Role.SITUATION:
                return found.situation
            case Role.PACK:
                return found.pack
            case Role.TITLE_SPANS:
                return list(found.title_spans)
            case Role.PREVIEW_SPANS:
                return list(found.preview.spans)
            case Role.TEMPLATE:
                return found.hit.template
            case Role.HIT:
                return found.hit
            case Role.FAVOURITE:
                return found.hit.template.full_id in self._favourites
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        """Role names, for debugging tools and QML."""
        names = dict(super().roleNames())
        for role in Role:
            names[int(role)] = QByteArray(role.name.lower().encode())
        return names
