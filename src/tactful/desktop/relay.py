"""Bringing a callback from a worker thread to the Qt GUI thread.

Hotkey backends hear key presses on threads of their own (an X11 reader, the
``keyboard`` package's hook). They emit :attr:`CallbackRelay.fired` there; a
queued connection runs the callback on the thread the relay was created on,
which is the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot


class CallbackRelay(QObject):
    """Create on the GUI thread; :meth:`fire` from any thread.

    Attributes:
        callback: Called on the GUI thread for each :meth:`fire`; ``None`` to ignore.
    """

    fired = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.callback: Callable[[], None] | None = None
        self.fired.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    def fire(self) -> None:
        """Queue one call of :attr:`callback` on the relay's thread. Thread-safe."""
        self.fired.emit()

    @Slot()
    def _deliver(self) -> None:
        if self.callback is not None:
            self.callback()
