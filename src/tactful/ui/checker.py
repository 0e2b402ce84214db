"""The "Check a draft" window: paste or type a reply, see what reads badly, fix it in a click.

Findings are highlighted in the editor as the agent types (warnings and notes
in different colours and underlines, readable in light and dark themes), each
with a tooltip saying why it matters and what reads better. Under the editor
each finding is a row of its own: its severity, the words, why, the better
phrasing, and where core offers one, a "Replace with “…”" button that edits
exactly those words through the editor's undo stack. Rows wrap their text and
take the height it needs at the window's width, so nothing is cut off.

The window holds no rules: it is given the check function (``check_tone``) and
the team's extra rules, and only adapts the findings for display (shared with
the popup's preview in :mod:`tactful.ui.findings`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QPalette, QTextCursor
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from tactful.core.model import ToneRule
from tactful.core.tone import Finding
from tactful.ui.findings import (
    CheckFunction,
    Utf16Map,
    highlight_colors,
    highlight_selections,
    quote,
    quoted_words,
    rule_name,
    severity_label,
    tooltip_html,
)

DEBOUNCE_MS = 150
"""Typing pauses this long before the draft is checked again."""
MAX_LISTED = 200
"""The list under the editor shows at most this many findings (all stay highlighted)."""
WINDOW_SIZE = QSize(720, 660)
EDITOR_HEIGHT = 160
"""The editor's share of the default height; the findings get the rest."""
CHIP_PADDING = 6
BUTTON_WORDS = 36
"""A replacement longer than this is cut on its button (the tooltip has it whole)."""


def _rgba(color: QColor) -> str:
    return f"rgba({color.red()}, {color.green()}, {color.blue()}, {color.alpha()})"


def replace_label(finding: Finding, text: str) -> str:
    """The button's words: ``Replace with “thank you for waiting”`` or ``Delete “simply”``."""
    if finding.replacement:
        return f"Replace with {quote(finding.replacement, BUTTON_WORDS)}"
    return f"Delete {quoted_words(finding, text, BUTTON_WORDS)}"


class FindingRow(QFrame):
    """One finding in the list: severity, the words, why, what reads better, and Replace.

    Every text wraps, so the row grows in height rather than cutting words;
    the list sets each row's height for its width (:meth:`heightForWidth`).
    """

    def __init__(self, finding: Finding, text: str, on_replace: Callable[[Finding], None]) -> None:
        super().__init__()
        self.setObjectName("findingRow")
        self.finding = finding
        layout = QGridLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.setHorizontalSpacing(8)
        layout.setVerticalSpacing(3)
        self.severity = QLabel(severity_label(finding))
        self.severity.setObjectName("findingSeverity")
        self.severity.setAlignment(Qt.AlignmentFlag.AlignCenter)
        chip_font = self.severity.font()
        chip_font.setBold(True)
        widest = max(QFontMetrics(chip_font).horizontalAdvance(w) for w in ("Warning", "Note"))
        self.severity.setFixedWidth(widest + 2 * CHIP_PADDING + 2)  # rows line up
        self.words = _wrapping_label(f"{quoted_words(finding, text)}  ·  {rule_name(finding)}")
        bold = self.words.font()
        bold.setBold(True)
        self.words.setFont(bold)
        self.message = _wrapping_label(finding.message)
        self.better = _wrapping_label(f"Better: {finding.suggestion}" if finding.suggestion else "")
        self.better.setVisible(bool(finding.suggestion))
        italic = self.better.font()
        italic.setItalic(True)
        self.better.setFont(italic)
        layout.addWidget(self.severity, 0, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.words, 0, 1)
        layout.addWidget(self.message, 1, 1, 1, 2)
        layout.addWidget(self.better, 2, 1, 1, 2)
        layout.setColumnStretch(1, 1)
        self.replace_button: QPushButton | None = None
        if finding.replacement is not None:
            button = QPushButton(replace_label(finding, text))
            button.setObjectName("findingReplace")
            whole = finding.replacement or text[finding.start : finding.end].strip()
            verb = "Replace the words with" if finding.replacement else "Delete"
            button.setToolTip(f"{verb} “{whole}” (Ctrl+Z undoes it)")
            button.clicked.connect(lambda: on_replace(finding))
            layout.addWidget(button, 0, 2, Qt.AlignmentFlag.AlignTop)
            self.replace_button = button
        self.setToolTip(tooltip_html(finding))
        self.apply_palette(self.palette())

    def apply_palette(self, palette: QPalette) -> None:
        """Colour the severity label for ``palette`` (light or dark)."""
        tint, strong = highlight_colors(palette).get(
            self.finding.severity, highlight_colors(palette)["info"]
        )
        self.severity.setStyleSheet(
            f"QLabel#findingSeverity {{ background: {_rgba(tint)}; color: {strong.name()}; "
            f"border-radius: 4px; padding: 1px {CHIP_PADDING}px; font-weight: bold; }}"
        )


def _wrapping_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


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
        self.resize(WINDOW_SIZE)

        self.editor = QPlainTextEdit()
        self.editor.setPlaceholderText(
            "Paste or type a draft reply. Anything that reads as cold, blaming or evasive "
            "is underlined; hover for why."
        )
        self.editor.setTabChangesFocus(True)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.list = QListWidget()
        self.list.setObjectName("findings")
        self.list.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerPixel)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setSpacing(2)
        self.list.currentRowChanged.connect(self._select_row)
        self.list.viewport().installEventFilter(self)
        self._tint_selection()

        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.summary)
        lower_layout.addWidget(self.list, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.editor)
        splitter.addWidget(lower)
        splitter.setStretchFactor(0, 2)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([EDITOR_HEIGHT, WINDOW_SIZE.height() - EDITOR_HEIGHT])
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
        found = self._check(text, self._extra_rules)
        self._findings = sorted(found, key=lambda f: (f.start, f.end))  # in reading order
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
            if isinstance(widget, FindingRow) and widget.replace_button is not None:
                buttons.append(widget.replace_button)
        return buttons

    # --- drawing ------------------------------------------------------------------

    def rows(self) -> list[FindingRow]:
        """The rows of the findings list, in list order."""
        widgets = (self.list.itemWidget(self.list.item(i)) for i in range(self.list.count()))
        return [w for w in widgets if isinstance(w, FindingRow)]

    def _highlight(self) -> None:
        spans = [(f, self._map.to_qt(f.start), self._map.to_qt(f.end)) for f in self._findings]
        self.editor.setExtraSelections(
            highlight_selections(self.editor.document(), spans, self.editor.palette())
        )

    def _fill_list(self) -> None:
        self.list.clear()
        text = self._checked_text
        for finding in self._findings[:MAX_LISTED]:
            item = QListWidgetItem()
            row = FindingRow(finding, text, self._on_replace_clicked)
            item.setData(Qt.ItemDataRole.UserRole, finding.start)
            self.list.addItem(item)
            self.list.setItemWidget(item, row)
        hidden = len(self._findings) - MAX_LISTED
        if hidden > 0:
            more = QListWidgetItem(f"… and {hidden} more, highlighted in the text")
            more.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(more)
        self._fit_rows()

    def _fit_rows(self) -> None:
        """Give every row the height its wrapped text needs at the list's width."""
        width = self.list.viewport().width() - 2 * self.list.spacing()
        for index in range(self.list.count()):
            item = self.list.item(index)
            row = self.list.itemWidget(item)
            if isinstance(row, FindingRow):
                item.setSizeHint(QSize(width, row.heightForWidth(width)))

    def _tint_selection(self) -> None:
        """A selected row gets a light tint of the highlight colour, its text keeps its colour."""
        palette = self.list.palette()
        tint = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        tint.setAlpha(60)
        palette.setColor(QPalette.ColorRole.Highlight, tint)
        palette.setColor(QPalette.ColorRole.HighlightedText, palette.color(QPalette.ColorRole.Text))
        self.list.setPalette(palette)

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

    def changeEvent(self, event: QEvent) -> None:
        """Follow a theme switch: new colours for highlights, rows and the selection."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._tint_selection()
            self._highlight()
            for row in self.rows():
                row.apply_palette(self.palette())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Fit the rows to a resized list; tooltips over highlighted words."""
        if watched is self.list.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_rows()
            return False
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
