"""The popup's preview pane: the reply as it will be pasted, its tone notes and reminders.

The reply is shown as plain text (never rich text: packs come from anywhere),
with each placeholder marked: one that already has a value (from settings or
typed in the fill-in form) shows that value underlined, one without shows its
name on a highlighter background. A tab bar lists the channel variants the
template has and marks the current one (Tab in the popup cycles them).

What core's tone check found in the text that would be pasted is marked in
place (as in the Check-a-draft window, with a tooltip per finding) and
summed up in one line under the reply. The reminders and the findings come
in from the popup; this pane only shows them.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QLabel, QTabBar, QTextEdit, QToolTip, QVBoxLayout, QWidget

from tactful.core.tone import Finding
from tactful.ui.findings import Utf16Map, highlight_selections, tooltip_html
from tactful.ui.reply_text import PastedReply, PieceKind
from tactful.ui.theme import mark_colors
from tactful.ui.tone_notes import ToneNotesLine

DEFAULT_VARIANT = "default"
MAX_REMINDERS = 5
TONE_BOX_STYLE = "QFrame#toneBox { background: rgba(22, 122, 116, 0.13); border-radius: 6px; }"
"""A teal tint (the icon's colour) that reads on light and dark backgrounds alike."""


class PreviewPane(QWidget):
    """Shows one template as it will be pasted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preview")
        self.title = QLabel()
        self.title.setObjectName("previewTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.08)
        self.title.setFont(font)
        self.variants = QTabBar()
        self.variants.setObjectName("previewVariants")
        self.variants.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.variants.setDrawBase(False)
        self.variants.setExpanding(False)
        self.variants.setDocumentMode(True)
        self.variants.setToolTip("Tab switches the channel variant")
        self.body = QTextEdit()
        self.body.setObjectName("previewBody")
        self.body.setReadOnly(True)
        self.body.setAcceptRichText(False)
        self.body.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.body.setFrameShape(QFrame.Shape.NoFrame)
        self.body.viewport().setAutoFillBackground(False)
        self.body.viewport().installEventFilter(self)
        self.tone_notes = ToneNotesLine()
        self.reminders_heading = QLabel("Tone reminders")
        self.reminders_heading.setObjectName("previewToneHeading")
        heading_font = self.reminders_heading.font()
        heading_font.setBold(True)
        self.reminders_heading.setFont(heading_font)
        self.reminders = QLabel()
        self.reminders.setObjectName("previewTone")
        self.reminders.setWordWrap(True)
        self.reminders.setTextFormat(Qt.TextFormat.PlainText)
        self.reminders.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.variants)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.tone_notes)
        self.tone_box = QFrame()
        self.tone_box.setObjectName("toneBox")
        self.tone_box.setStyleSheet(TONE_BOX_STYLE)
        tone_layout = QVBoxLayout(self.tone_box)
        tone_layout.setContentsMargins(12, 8, 12, 10)
        tone_layout.setSpacing(4)
        tone_layout.addWidget(self.reminders_heading)
        tone_layout.addWidget(self.reminders)
        layout.addWidget(self.tone_box)
        self._channels: list[str] = []
        self._notes: list[tuple[Finding, int, int]] = []
        self._map = Utf16Map("")
        self.clear()

    @property
    def channels(self) -> list[str]:
        """The variant names shown, ``"default"`` first."""
        return list(self._channels)

    def clear(self, message: str = "") -> None:
        """Show nothing but ``message``."""
        self.title.setText(message)
        self.title.setVisible(bool(message))
        self._set_variants([], 0)
        self.body.clear()
        self.body.hide()
        self._set_notes(PastedReply("", (), ""), ())
        self.tone_box.hide()

    @property
    def notes(self) -> list[Finding]:
        """The tone findings marked in the reply shown."""
        return [finding for finding, _start, _end in self._notes]

    def marked_words(self) -> list[str]:
        """The preview's text under each tone finding's mark, in order."""
        return [s.cursor.selectedText() for s in self.body.extraSelections()]

    def _set_variants(self, channels: Sequence[str], current: int) -> None:
        self._channels = list(channels)
        self.variants.blockSignals(True)
        while self.variants.count():
            self.variants.removeTab(0)
        for name in channels:
            self.variants.addTab(name)
        if channels:
            self.variants.setCurrentIndex(current)
        self.variants.blockSignals(False)
        self.variants.setVisible(len(channels) > 1)

    def show_reply(
        self,
        title: str,
        reply: PastedReply,
        channels: Sequence[str],
        current: int,
        reminders: Sequence[str],
        notes: Sequence[Finding] = (),
    ) -> None:
        """Show ``reply`` with its placeholders and ``notes`` marked, ``reminders`` below.

        Args:
            title: The template's title.
            reply: The current variant, split into pieces with the known values.
            channels: The variants, ``"default"`` first.
            current: The index of the variant shown.
            reminders: Tone reminders, most relevant first.
            notes: What the tone check found in ``reply.text``.
        """
        self.title.setText(title)
        self.title.show()
        self._set_variants(channels, current)
        self._fill_body(reply)
        self._set_notes(reply, notes)
        self.body.show()
        shown = list(reminders)[:MAX_REMINDERS]
        self.reminders.setText("\n".join(f"•  {text}" for text in shown))
        self.tone_box.setVisible(bool(shown))

    def _fill_body(self, reply: PastedReply) -> None:
        self.body.clear()
        cursor = QTextCursor(self.body.document())
        plain = QTextCharFormat()
        back, fore = mark_colors(self.palette())
        empty = QTextCharFormat()
        empty.setBackground(back)
        empty.setForeground(fore)
        filled = QTextCharFormat()
        filled.setFontUnderline(True)
        filled.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        filled.setFontWeight(QFont.Weight.DemiBold)
        formats = {PieceKind.TEXT: plain, PieceKind.VALUE: filled}
        for piece in reply.pieces:
            cursor.insertText(piece.shown, formats.get(piece.kind, empty))
        self.body.moveCursor(QTextCursor.MoveOperation.Start)

    def _set_notes(self, reply: PastedReply, notes: Sequence[Finding]) -> None:
        self._map = Utf16Map(reply.shown)
        self._notes = []
        for finding in notes:
            start, end = reply.shown_span(finding.start, finding.end)
            self._notes.append((finding, self._map.to_qt(start), self._map.to_qt(end)))
        self.body.setExtraSelections(
            highlight_selections(self.body.document(), self._notes, self.body.palette())
        )
        self.tone_notes.show_notes(list(notes), reply.text)

    def note_at(self, position: int) -> Finding | None:
        """The tone finding marked at Qt position ``position`` of the body, if any."""
        for finding, start, end in self._notes:
            if start <= position < end:
                return finding
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Over a marked finding, the tooltip says why it matters and what reads better."""
        if (
            self._notes
            and watched is self.body.viewport()
            and event.type() == QEvent.Type.ToolTip
            and isinstance(event, QHelpEvent)
        ):
            position = self.body.cursorForPosition(event.pos()).position()
            finding = self.note_at(position) or (
                self.note_at(position - 1) if position > 0 else None
            )
            if finding is None:
                QToolTip.hideText()
                event.ignore()
            else:
                QToolTip.showText(event.globalPos(), tooltip_html(finding), self.body.viewport())
            return True
        return super().eventFilter(watched, event)
