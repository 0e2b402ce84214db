"""Tone notes in the popup: core's tone check on the reply about to be pasted.

:class:`ToneNotes` runs the check it is given (``check_tone`` with the
library's team rules, as the Check-a-draft window gets them) on the text a
:class:`~tactful.ui.reply_text.PastedReply` would paste, and keeps the last
answers so that typing which keeps the same reply selected does not check it
again. Only the selected reply is checked, never the whole result list.

:class:`ToneNotesLine` is the compact line under the preview: how many
warnings and notes, and their words; its tooltip says why each matters and
what reads better.
"""

from __future__ import annotations

import html
from collections import OrderedDict
from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from tactful.core.model import ToneRule
from tactful.core.tone import Finding
from tactful.ui.findings import CheckFunction, quoted_words, rule_name, severity_label
from tactful.ui.reply_text import PastedReply

CACHE_SIZE = 64
"""Checked texts remembered (a search keeps the same top reply for several keys)."""
WORDS_LISTED = 3
"""The line quotes this many findings' words; the tooltip lists them all."""
QUOTE_LIMIT = 40
WARNING_STYLE = (
    "QLabel#toneNotes { background: rgba(220, 60, 40, 0.16); border-radius: 5px; "
    "padding: 3px 8px; }"
)
NOTE_STYLE = (
    "QLabel#toneNotes { background: rgba(40, 110, 220, 0.15); border-radius: 5px; "
    "padding: 3px 8px; }"
)


class ToneNotes:
    """Checks the reply about to be pasted, remembering recent answers.

    Args:
        check: The check function (``check_tone``); with ``None`` nothing is checked.
        rules: The team's extra rules from the installed packs.
    """

    def __init__(self, check: CheckFunction | None, rules: Sequence[ToneRule] = ()) -> None:
        self._check = check
        self._rules: tuple[ToneRule, ...] = tuple(rules)
        self._cache: OrderedDict[str, tuple[Finding, ...]] = OrderedDict()
        self.checks_run = 0
        """How many texts were really checked (not answered from memory)."""

    @property
    def enabled(self) -> bool:
        """Whether there is a check to run."""
        return self._check is not None

    def set_rules(self, rules: Sequence[ToneRule]) -> None:
        """Use a new set of team rules (the library changed)."""
        self._rules = tuple(rules)
        self._cache.clear()

    def notes_for(self, reply: PastedReply) -> list[Finding]:
        """The findings about what ``reply`` would paste, in text order."""
        if self._check is None or reply.malformed or not reply.text.strip():
            return []
        found = self._cache.get(reply.text)
        if found is None:
            found = tuple(self._check(reply.text, self._rules))
            self.checks_run += 1
            self._cache[reply.text] = found
            if len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        else:
            self._cache.move_to_end(reply.text)
        return sorted(reply.pasted(found), key=lambda f: (f.start, f.end))


def summary(notes: Sequence[Finding], text: str) -> str:
    """``Tone check: 1 warning, 1 note · “hopefully” · “sorry for the wait”``."""
    warnings = sum(1 for f in notes if f.severity == "warning")
    others = len(notes) - warnings
    counts = []
    if warnings:
        counts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
    if others:
        counts.append(f"{others} note{'s' if others != 1 else ''}")
    quoted = list(dict.fromkeys(quoted_words(f, text, QUOTE_LIMIT) for f in notes))
    words = " · ".join(quoted[:WORDS_LISTED])
    if len(quoted) > WORDS_LISTED:
        words += f" · {len(quoted) - WORDS_LISTED} more"
    return f"Tone check: {', '.join(counts)} · {words}"


def details_html(notes: Sequence[Finding], text: str) -> str:
    """Every note with why it matters and what reads better, as escaped rich text."""
    items = []
    for f in notes:
        line = (
            f"<b>{html.escape(severity_label(f))}</b> · {html.escape(rule_name(f))} · "
            f"{html.escape(quoted_words(f, text))}: {html.escape(f.message)}"
        )
        if f.suggestion:
            line += f"<br><i>Better:</i> {html.escape(f.suggestion)}"
        items.append(f"<li>{line}</li>")
    return f"<ul style='margin: 0'>{''.join(items)}</ul>"


class ToneNotesLine(QLabel):
    """The compact line under the preview saying what the tone check found."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toneNotes")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.hide()

    def show_notes(self, notes: Sequence[Finding], text: str) -> None:
        """Show ``notes`` about ``text`` (hidden when there are none)."""
        if not notes:
            self.clear()
            self.setToolTip("")
            self.hide()
            return
        warned = any(f.severity == "warning" for f in notes)
        style = WARNING_STYLE if warned else NOTE_STYLE
        if style != self.styleSheet():  # re-styling is slow: only when the tint changes
            self.setStyleSheet(style)
        self.setText(summary(notes, text))
        self.setToolTip(details_html(notes, text))
        self.show()
