"""The "Check a draft" window: paste or type a reply, see what reads badly, fix it in a click.

Findings are highlighted in the editor as the agent types (warnings and notes
in different colours, readable in light and dark themes), each with a tooltip
saying why it matters and what reads better. Under the editor a list shows
every finding; those with a one-click replacement have a "Replace" button,
which edits the text through the editor's undo stack.

The window holds no rules: it is given the check function (``check_tone``) and
the team's extra rules, and only adapts the findings for display. Offsets from
core are Python string indices; Qt counts UTF-16 units, so positions are mapped
where the text has characters outside the Basic Multilingual Plane (emoji).
"""

from __future__ import annotations

import html
from bisect import bisect_left
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QHelpEvent, QPalette, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextEdit,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from tactful.core.model import ToneRule
from tactful.core.tone import Finding
from tactful.ui.theme import is_dark

CheckFunction = Callable[[str, Sequence[ToneRule]], Sequence[Finding]]
"""``check_tone``'s shape: text and a team's extra rules in, findings out."""

DEBOUNCE_MS = 150
"""Typing pauses this long before the draft is checked again."""
MAX_LISTED = 200
"""The list under the editor shows at most this many findings (all stay highlighted)."""


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
    """Per severity, a translucent background and an underline colour for ``palette``.

    The text keeps its own colour; the tint is light enough to read through on
    a light or a dark background, and the underline carries the contrast.
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


def describe(finding: Finding, text: str) -> str:
    """One line for the list: severity, the words, why."""
    kind = "Warning" if finding.severity == "warning" else "Note"
    words = text[finding.start : finding.end].strip()
    if len(words) > 60:
        words = words[:57] + "…"
    return f"{kind} · {finding.rule} · “{words}”: {finding.message}"


def tooltip_html(finding: Finding) -> str:
    """The tooltip of a highlighted finding, as escaped rich text."""
    parts = [f"<b>{html.escape(finding.rule)}</b>: {html.escape(finding.message)}"]
    if finding.suggestion:
        parts.append(f"<i>Better:</i> {html.escape(finding.suggestion)}")
    return "<p>" + "<br>".join(parts) + "</p>"


class _FindingRow(QWidget):
    """One row of the findings list: the description and, where possible, Replace."""

    def __init__(self, finding: Finding, text: str, on_replace: Callable[[Finding], None]) -> None:
        super().__init__()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 2, 6, 2)
        self.label = QLabel(describe(finding, text))
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setToolTip(tooltip_html(finding))
        layout.addWidget(self.label, 1)
        self.replace_button: QPushButton | None = None
        if finding.replacement is not None:
            button = QPushButton("Delete" if finding.replacement == "" else "Replace")
            shown = finding.replacement or text[finding.start : finding.end].strip()
            verb = "Replace with" if finding.replacement else "Delete"
            button.setToolTip(f"{verb} “{shown}”")
            button.clicked.connect(lambda: on_replace(finding))
            layout.addWidget(button)
            self.replace_button = button


class CheckerWindow(QWidget):
    """The "Check a draft" window.

    Args:
        check: The check function, normally ``tactful.core.tone.check_tone``.
        extra_rules: The team's own rules from the installed packs.
        debounce_ms: Pause in typing before the draft is checked again.

    Signals:
        checked: Emitted after every check with the number of findings.
    """

    checked = Signal(int)

    def __init__(
        self,
        check: CheckFunction,
        extra_rules: Sequence[ToneRule] = (),
        parent: QWidget | None = None,
        *,
        debounce_ms: int = DEBOUNCE_MS,
    ) -> None:
        super().__init__(parent)
        self._check = check
        self._extra_rules: tuple[ToneRule, ...] = tuple(extra_rules)
        self._findings: list[Finding] = []
        self._checked_text = ""
        self._map = Utf16Map("")
        self.setWindowTitle("Check a draft — Tactful")
        self.resize(640, 520)

        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(
            "Paste or type a draft reply. Anything that reads as cold, blaming or evasive "
            "is underlined; hover for why."
        )
        self.editor.setTabChangesFocus(True)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget()
        self.list.setAlternatingRowColors(True)
        self.list.currentRowChanged.connect(self._select_row)

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.summary)
        lower_layout.addWidget(self.list, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.editor)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(debounce_ms)
        self._timer.timeout.connect(self.recheck)
        self.editor.textChanged.connect(self._timer.start)
        self.editor.viewport().installEventFilter(self)
        self._show_summary()

    # --- what the app and tests use -----------------------------------------------

    def open_window(self) -> None:
        """Show the window, raised and focused on the editor."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.editor.setFocus()

    def set_extra_rules(self, rules: Sequence[ToneRule]) -> None:
        """Use a new set of team rules (after packs changed) and check again."""
        self._extra_rules = tuple(rules)
        self.recheck()

    def set_text(self, text: str) -> None:
        """Replace the draft (as one undoable edit) and check it at once."""
        cursor = QTextCursor(self.editor.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()
        self.recheck()

    def text(self) -> str:
        """The draft as it is now."""
        return self.editor.toPlainText()

    def findings(self) -> list[Finding]:
        """The findings of the last check."""
        return list(self._findings)

    def recheck(self) -> None:
        """Check the draft now, and update highlights, list and summary."""
        self._timer.stop()
        text = self.editor.toPlainText()
        self._findings = list(self._check(text, self._extra_rules))
        self._checked_text = text
        self._map = Utf16Map(text)
        self._highlight()
        self._fill_list()
        self._show_summary()
        self.checked.emit(len(self._findings))

    def replace(self, finding: Finding) -> bool:
        """Apply ``finding``'s replacement to exactly its words, as one undoable edit.

        Returns:
            False when the finding has no replacement or the text changed since
            it was found (the draft is then checked again and nothing is edited).
        """
        if finding.replacement is None or finding not in self._findings:
            return False
        if self.editor.toPlainText() != self._checked_text:
            self.recheck()
            return False
        cursor = QTextCursor(self.editor.document())
        cursor.setPosition(self._map.to_qt(finding.start))
        cursor.setPosition(self._map.to_qt(finding.end), QTextCursor.MoveMode.KeepAnchor)
        cursor.beginEditBlock()
        cursor.insertText(finding.replacement)
        cursor.endEditBlock()
        self.recheck()
        return True

    def finding_at(self, index: int) -> Finding | None:
        """The finding covering Python index ``index`` of the draft, if any."""
        for finding in self._findings:
            if finding.start <= index < finding.end:
                return finding
        return None

    def tooltip_at(self, index: int) -> str | None:
        """The tooltip shown over Python index ``index``, or None."""
        finding = self.finding_at(index)
        return tooltip_html(finding) if finding is not None else None

    def replace_buttons(self) -> list[QPushButton]:
        """The Replace/Delete buttons in the list, in list order."""
        buttons: list[QPushButton] = []
        for row in range(self.list.count()):
            widget = self.list.itemWidget(self.list.item(row))
            if isinstance(widget, _FindingRow) and widget.replace_button is not None:
                buttons.append(widget.replace_button)
        return buttons

    # --- drawing ------------------------------------------------------------------

    def _highlight(self) -> None:
        colors = highlight_colors(self.editor.palette())
        selections: list[QTextEdit.ExtraSelection] = []
        document = self.editor.document()
        for finding in self._findings:
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
            cursor.setPosition(self._map.to_qt(finding.start))
            cursor.setPosition(self._map.to_qt(finding.end), QTextCursor.MoveMode.KeepAnchor)
            selection = QTextEdit.ExtraSelection()
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
        self.editor.setExtraSelections(selections)

    def _fill_list(self) -> None:
        self.list.clear()
        text = self._checked_text
        for finding in self._findings[:MAX_LISTED]:
            item = QListWidgetItem()
            row = _FindingRow(finding, text, self._on_replace_clicked)
            item.setSizeHint(row.sizeHint())
            item.setData(Qt.ItemDataRole.UserRole, finding.start)
            self.list.addItem(item)
            self.list.setItemWidget(item, row)
        hidden = len(self._findings) - MAX_LISTED
        if hidden > 0:
            more = QListWidgetItem(f"… and {hidden} more, highlighted in the text")
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(more)

    def _show_summary(self) -> None:
        warnings = sum(1 for f in self._findings if f.severity == "warning")
        notes = len(self._findings) - warnings
        if not self._checked_text.strip():
            self.summary.setText("Nothing to check yet.")
        elif not self._findings:
            self.summary.setText("Nothing reads as cold, blaming or evasive.")
        else:
            parts = []
            if warnings:
                parts.append(f"{warnings} warning{'s' if warnings != 1 else ''}")
            if notes:
                parts.append(f"{notes} note{'s' if notes != 1 else ''}")
            self.summary.setText(", ".join(parts))

    # --- events -------------------------------------------------------------------

    def _on_replace_clicked(self, finding: Finding) -> None:
        # Run after the click has finished: replacing rebuilds the list and
        # deletes the button that was clicked.
        QTimer.singleShot(0, lambda: self.replace(finding))

    def _select_row(self, row: int) -> None:
        if not 0 <= row < min(len(self._findings), MAX_LISTED):
            return
        finding = self._findings[row]
        if self.editor.toPlainText() != self._checked_text:
            return
        cursor = self.editor.textCursor()
        cursor.setPosition(self._map.to_qt(finding.start))
        cursor.setPosition(self._map.to_qt(finding.end), QTextCursor.MoveMode.KeepAnchor)
        self.editor.setTextCursor(cursor)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Show the finding's tooltip when hovering over highlighted words."""
        if watched is self.editor.viewport() and event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            tip = self._tooltip_for_point(event.pos())
            if tip is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), tip, self.editor.viewport())
            return True
        return super().eventFilter(watched, event)

    def _tooltip_for_point(self, point: QPoint) -> str | None:
        if self.editor.toPlainText() != self._checked_text:
            return None
        cursor = self.editor.cursorForPosition(point)
        index = self._map.from_qt(cursor.position())
        # The cursor lands between characters; the one under the mouse is
        # either side of it depending on which half was hovered.
        return self.tooltip_at(index) or (self.tooltip_at(index - 1) if index > 0 else None)
