"""The wellbeing widgets: a skippable reset card and a quiet break notice.

The reset card shows three short lines (pause, breathe, reframe) after an
angry message; "Done" or Esc closes it. The break notice is a small window
that does not take the focus and closes by itself. Both offer to turn
themselves off. :class:`WellbeingController` ties them to the core logic
(``core/wellbeing.py``): the app tells it about use and about customer
messages read, and it decides when something shows.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from tactful.core.customer import Cue
from tactful.core.wellbeing import (
    BREAK_NOTICE,
    RESET_CARD_LINES,
    BreakReminder,
    Clock,
    ResetCardTrigger,
    WellbeingSettings,
)

NOTICE_SECONDS = 45
"""The break notice closes by itself after this long."""
POLL_MS = 60_000
"""How often the controller asks whether a break is due."""


class ResetCard(QWidget):
    """Pause, breathe, reframe: three lines and a Done button. Esc closes it.

    Signals:
        finished: The card was closed (Done, Esc or the window's close button).
        turn_off_requested: The agent asked not to see these cards again.
    """

    finished = Signal()
    turn_off_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Tool | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("A moment for you — Tactful")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 16, 18, 14)
        layout.setSpacing(8)
        self.lines: list[QLabel] = []
        for text in RESET_CARD_LINES:
            label = QLabel(text)
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(label)
            self.lines.append(label)
        buttons = QHBoxLayout()
        self.turn_off_button = QPushButton("Don't show these")
        self.turn_off_button.setFlat(True)
        self.turn_off_button.clicked.connect(self._turn_off)
        self.done_button = QPushButton("Done")
        self.done_button.setDefault(True)
        self.done_button.clicked.connect(self.close)
        buttons.addWidget(self.turn_off_button)
        buttons.addStretch(1)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)

    def open_card(self) -> None:
        """Show the card, with Done focused so Enter closes it too."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.done_button.setFocus()

    def _turn_off(self) -> None:
        self.turn_off_requested.emit()
        self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Esc closes the card."""
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Report that the card is gone."""
        super().closeEvent(event)
        self.finished.emit()


class BreakNotice(QWidget):
    """A quiet suggestion to take a break; it never takes the focus.

    Signals:
        dismissed: Closed by the agent or by its own timer.
        turn_off_requested: The agent turned break reminders off from here.
    """

    dismissed = Signal()
    turn_off_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, seconds: int = NOTICE_SECONDS) -> None:
        super().__init__(
            parent,
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint,
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        self.label = QLabel(BREAK_NOTICE)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.label)
        buttons = QHBoxLayout()
        self.turn_off_button = QPushButton("Turn off break reminders")
        self.turn_off_button.setFlat(True)
        self.turn_off_button.clicked.connect(self._turn_off)
        self.ok_button = QPushButton("OK")
        self.ok_button.clicked.connect(self.close)
        buttons.addWidget(self.turn_off_button)
        buttons.addStretch(1)
        buttons.addWidget(self.ok_button)
        layout.addLayout(buttons)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(seconds * 1000)
        self._timer.timeout.connect(self.close)

    def open_notice(self) -> None:
        """Show the notice without taking the focus; it closes by itself later."""
        self.show()
        self._timer.start()

    def _turn_off(self) -> None:
        self.turn_off_requested.emit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        """Report that the notice is gone."""
        self._timer.stop()
        super().closeEvent(event)
        self.dismissed.emit()


class WellbeingController(QObject):
    """Decides when the reset card and the break notice show.

    Args:
        settings: The wellbeing settings in force.
        clock: Monotonic seconds; tests pass a fake.
        poll_ms: How often to ask whether a break is due.

    Signals:
        turn_off_break_reminders: The agent turned break reminders off from the
            notice; the app saves ``break_reminders = false``.
        turn_off_reset_card: The agent turned the reset card off from the card;
            the app saves ``reset_card = false``.
    """

    turn_off_break_reminders = Signal()
    turn_off_reset_card = Signal()

    def __init__(
        self,
        settings: WellbeingSettings,
        clock: Clock = time.monotonic,
        parent: QObject | None = None,
        *,
        poll_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self.breaks = BreakReminder(settings, clock)
        self.cards = ResetCardTrigger(settings, clock)
        self.card: ResetCard | None = None
        self.notice: BreakNotice | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.poll)
        self.apply(settings)

    def apply(self, settings: WellbeingSettings) -> None:
        """Use new settings; polling runs only while break reminders are on."""
        self.breaks.configure(settings)
        self.cards.configure(settings)
        if settings.break_reminders:
            self._timer.start()
        else:
            self._timer.stop()
            if self.notice is not None:
                self.notice.close()

    def record_use(self) -> None:
        """The popup opened or a reply was pasted."""
        self.breaks.record_use()

    def customer_message_read(self, cues: Iterable[Cue]) -> bool:
        """A pasted customer message was read; show the reset card if it fits.

        Returns:
            Whether the card was shown.
        """
        if not self.cards.message_read(list(cues)):
            return False
        if self.card is None:
            self.card = ResetCard()
            self.card.turn_off_requested.connect(self.turn_off_reset_card)
        self.card.open_card()
        return True

    def poll(self) -> bool:
        """Show the break notice if a break is due; returns whether it showed."""
        if not self.breaks.due():
            return False
        self.breaks.shown()
        if self.notice is None:
            self.notice = BreakNotice()
            self.notice.turn_off_requested.connect(self.turn_off_break_reminders)
        self.notice.open_notice()
        return True

    def close_all(self) -> None:
        """Close whatever is showing (at shutdown)."""
        self._timer.stop()
        for widget in (self.card, self.notice):
            if widget is not None:
                widget.close()
