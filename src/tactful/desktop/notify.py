"""Short notifications to the user ("Copied — paste with Ctrl+V: ...").

The ui implements :class:`Notifier` with the tray icon's balloon messages;
:class:`LogNotifier` is for runs without a tray and :class:`FakeNotifier`
records messages for tests.
"""

from __future__ import annotations

import logging
from typing import Protocol, runtime_checkable

log = logging.getLogger(__name__)


@runtime_checkable
class Notifier(Protocol):
    """Shows a short, passive message."""

    def notify(self, title: str, text: str) -> None:
        """Show ``title`` and ``text`` without taking the focus."""
        ...


class LogNotifier:
    """Writes notifications to the log (no tray, or headless)."""

    def notify(self, title: str, text: str) -> None:
        """Log the message at INFO level."""
        log.info("%s: %s", title, text)


class FakeNotifier:
    """Records notifications for tests.

    Attributes:
        messages: ``(title, text)`` pairs in the order shown.
    """

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []

    def notify(self, title: str, text: str) -> None:
        """Record the message."""
        self.messages.append((title, text))
