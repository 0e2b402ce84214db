"""The customer's mood above the popup's results: what a pasted message gives away.

When the query looks like the customer's own message, the app's mood reader
(core's ``read_customer``) names cues such as angry or repeat contact with the
words that showed them. :class:`MoodBar` shows them in one tinted line above
the results; the popup puts the reminders that fit them first in the preview.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

MOOD_STYLE = (
    "QLabel#customerMood { background: rgba(232, 160, 32, 0.18); border-radius: 5px; "
    "padding: 4px 10px; }"
)
"""An amber tint that reads on light and dark backgrounds alike."""


@dataclass(frozen=True, slots=True)
class CustomerMood:
    """What a query (often a pasted customer message) says about the customer.

    Attributes:
        cues: Short labels, each with the words that show it: ``angry (“unacceptable”)``.
        reminders: Tone reminders that fit, best first; shown before the template's own.
    """

    cues: tuple[str, ...] = ()
    reminders: tuple[str, ...] = ()


MoodSource = Callable[[str], CustomerMood]
"""Reads the customer's mood from the query (the app passes core's customer reader)."""


class MoodBar(QLabel):
    """One line naming the customer's cues; hidden when there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("customerMood")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setStyleSheet(MOOD_STYLE)
        self._mood = CustomerMood()
        self.hide()

    @property
    def mood(self) -> CustomerMood:
        """The mood shown."""
        return self._mood

    def show_mood(self, mood: CustomerMood) -> None:
        """Show ``mood``'s cues, or hide when it has none."""
        self._mood = mood
        if mood.cues:
            self.setText("The customer sounds: " + " · ".join(mood.cues))
        self.setVisible(bool(mood.cues))
