"""The popup's preview pane: the whole reply, its channel variants and its tone reminders.

The reply is shown as plain text (never rich text: packs come from anywhere),
with each placeholder marked: one that already has a value (from settings or
typed in the fill-in form) shows that value underlined, one without shows its
name on a highlighter background. A tab bar lists the channel variants the
template has and marks the current one (Tab in the popup cycles them). The
reminders come in from the popup already ordered; this pane only shows them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QFrame, QLabel, QTabBar, QTextEdit, QVBoxLayout, QWidget

from tactful.core.errors import PlaceholderError
from tactful.core.placeholders import Placeholder, parse
from tactful.ui.fillin import label_for
from tactful.ui.theme import mark_colors

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
        self.tone_box.hide()

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
        body: str,
        values: Mapping[str, str],
        channels: Sequence[str],
        current: int,
        reminders: Sequence[str],
    ) -> None:
        """Show ``body`` with its placeholders marked and ``reminders`` below.

        Args:
            title: The template's title.
            body: The text of the current variant.
            values: Known placeholder values (shown in place of their names).
            channels: The variants, ``"default"`` first.
            current: The index of the variant shown.
            reminders: Tone reminders, most relevant first.
        """
        self.title.setText(title)
        self.title.show()
        self._set_variants(channels, current)
        self._fill_body(body, values)
        self.body.show()
        shown = list(reminders)[:MAX_REMINDERS]
        self.reminders.setText("\n".join(f"•  {text}" for text in shown))
        self.tone_box.setVisible(bool(shown))

    def _fill_body(self, body: str, values: Mapping[str, str]) -> None:
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
        try:
            segments = parse(body.strip("\n"))
        except PlaceholderError:
            cursor.insertText(body, plain)
            return
        for seg in segments:
            if isinstance(seg, Placeholder):
                value = values.get(seg.name, "")
                if value:
                    cursor.insertText(value, filled)
                else:
                    cursor.insertText(f"\u2009{label_for(seg.name)}\u2009", empty)
            else:
                cursor.insertText(seg, plain)
        self.body.moveCursor(QTextCursor.MoveOperation.Start)
