"""How tone findings look wherever the ui shows them: colours, words, tooltips, positions.

Both the Check-a-draft window and the popup's preview mark what core's
``check_tone`` found; this module is what they share. It holds no rules: the
findings come from core, and here they only get a colour per severity (light
and dark themes alike), a short label, an escaped tooltip, and a mapping of
core's offsets (Python string indices) to Qt's (UTF-16 units, which differ
where the text has characters outside the Basic Multilingual Plane, such as emoji).
"""

from __future__ import annotations

import html
from bisect import bisect_left
from collections.abc import Callable, Sequence

from PySide6.QtGui import QColor, QPalette, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from tactful.core.model import ToneRule
from tactful.core.tone import Finding
from tactful.ui.theme import is_dark

CheckFunction = Callable[[str, Sequence[ToneRule]], Sequence[Finding]]
"""``check_tone``'s shape: text and a team's extra rules in, findings out."""

WORDS_SHOWN = 60
"""Longer quoted words are cut to this many characters in one-line descriptions."""


class Utf16Map:
    """Maps Python string indices to Qt's UTF-16 positions and back."""

    def __init__(self, text: str) -> None:
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if text else []

    def to_qt(self, index: int) -> int:
        """The Qt position of Python index ``index``."""
        return index + bisect_left(self._astral, index) if self._astral else index

    def from_qt(self, position: int) -> int:
        """The Python index of Qt position ``position``."""
        if not self._astral:
            return position
        lo, hi = 0, position
        while lo < hi:  # the largest index whose Qt position is <= position
            mid = (lo + hi + 1) // 2
            if self.to_qt(mid) <= position:
                lo = mid
            else:
                hi = mid - 1
        return lo


def highlight_colors(palette: QPalette) -> dict[str, tuple[QColor, QColor]]:
    """Per severity, a translucent background and a strong colour for ``palette``.

    The text keeps its own colour; the tint is light enough to read through on
    a light or a dark background, and the strong colour (underlines, the
    severity label) carries the contrast.
    """
    if is_dark(palette):
        return {
            "warning": (QColor(255, 110, 90, 70), QColor(255, 135, 115)),
            "info": (QColor(110, 165, 255, 60), QColor(130, 180, 255)),
        }
    return {
        "warning": (QColor(220, 60, 40, 45), QColor(190, 40, 25)),
        "info": (QColor(40, 110, 220, 40), QColor(30, 90, 200)),
    }


def severity_label(finding: Finding) -> str:
    """``"Warning"`` or ``"Note"``."""
    return "Warning" if finding.severity == "warning" else "Note"


def quote(words: str, limit: int = WORDS_SHOWN) -> str:
    """``words`` on one line in curly quotes, cut to ``limit`` characters."""
    line = " ".join(words.split())
    if len(line) > limit:
        line = line[: limit - 1].rstrip() + "…"
    return f"“{line}”"


def quoted_words(finding: Finding, text: str, limit: int = WORDS_SHOWN) -> str:
    """The finding's words from ``text`` in quotes, cut to ``limit`` characters."""
    return quote(text[finding.start : finding.end], limit)


def rule_name(finding: Finding) -> str:
    """The rule id as words: ``"passive-apology"`` → ``"passive apology"``."""
    return finding.rule.replace("-", " ").replace("_", " ")


def describe(finding: Finding, text: str) -> str:
    """One line: severity, rule, the words, why."""
    return (
        f"{severity_label(finding)} · {rule_name(finding)} · "
        f"{quoted_words(finding, text)}: {finding.message}"
    )


def tooltip_html(finding: Finding) -> str:
    """The tooltip of a highlighted finding, as escaped rich text."""
    parts = [f"<b>{html.escape(rule_name(finding))}</b>: {html.escape(finding.message)}"]
    if finding.suggestion:
        parts.append(f"<i>Better:</i> {html.escape(finding.suggestion)}")
    return "<p>" + "<br>".join(parts) + "</p>"


def highlight_selections(
    document: QTextDocument,
    spans: Sequence[tuple[Finding, int, int]],
    palette: QPalette,
) -> list[QTextEdit.ExtraSelection]:
    """Extra selections marking each ``(finding, qt_start, qt_end)`` in ``document``.

    Warnings get a wavy underline and notes a dotted one, each on its
    severity's tint, so the two differ without relying on colour alone.
    """
    colors = highlight_colors(palette)
    selections: list[QTextEdit.ExtraSelection] = []
    for finding, start, end in spans:
        background, underline = colors.get(finding.severity, colors["info"])
        fmt = QTextCharFormat()
        fmt.setBackground(background)
        fmt.setUnderlineColor(underline)
        fmt.setUnderlineStyle(
            QTextCharFormat.UnderlineStyle.WaveUnderline
            if finding.severity == "warning"
            else QTextCharFormat.UnderlineStyle.DotLine
        )
        cursor = QTextCursor(document)
        cursor.setPosition(start)
        cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = fmt
        selections.append(selection)
    return selections
