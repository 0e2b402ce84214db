"""Keeping a frameless popup focused, and hiding it when the agent clicks elsewhere.

:class:`FocusKeeper` watches a top-level window's activation. After the
window is shown it checks that the window manager really gave it the focus,
and asks again, as a pager would, when a focus-stealing prevention refused
the app's own request. When the window loses the focus and it stays lost for
a moment (window managers flicker the focus while mapping windows), the
keeper calls ``on_lost``, except while ``keep_open`` says the window must
stay (the popup's fill-in form: the agent may be copying a value from elsewhere).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QWidget

from tactful.desktop.activewindow import ActiveWindowBackend, WindowRef

log = logging.getLogger(__name__)

FOCUS_LOSS_MS = 80
"""The focus must stay away this long before the window hides (window managers flicker)."""
ACTIVATE_RETRY_MS = 150
"""Not focused this long after showing: ask the window manager again, as the user."""


class FocusKeeper(QObject):
    """Watches ``window``'s activation; asks for the focus again, reports its loss.

    Args:
        window: The top-level window to watch (an event filter is installed on it).
        windows: Asks the window manager to activate a window, as the user.
        on_lost: Called when the focus went elsewhere and stayed there.
        keep_open: While it returns ``True``, losing the focus is not reported.
        loss_ms: How long the focus must stay away.
    """

    def __init__(
        self,
        window: QWidget,
        windows: ActiveWindowBackend,
        *,
        on_lost: Callable[[], None],
        keep_open: Callable[[], bool] = lambda: False,
        loss_ms: int = FOCUS_LOSS_MS,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._windows = windows
        self._on_lost = on_lost
        self._keep_open = keep_open
        self._was_active = False
        self._check = QTimer(self)
        self._check.setSingleShot(True)
        self._check.setInterval(loss_ms)
        self._check.timeout.connect(self._on_check)
        window.installEventFilter(self)

    def shown(self) -> None:
        """The window was just shown: forget old activations, make sure it gets the focus."""
        self._was_active = False
        QTimer.singleShot(ACTIVATE_RETRY_MS, self, self._ensure_active)

    def stop(self) -> None:
        """The window hides: nothing to watch until it is shown again."""
        self._was_active = False
        self._check.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Note activation changes of the window; never swallows the event."""
        if watched is self._window and event.type() == QEvent.Type.ActivationChange:
            self._activation_changed()
        return False

    def _activation_changed(self) -> None:
        window = self._window
        if window.isActiveWindow():
            self._was_active = True
            self._check.stop()
        elif self._was_active and window.isVisible() and not self._keep_open():
            self._check.start()

    def _on_check(self) -> None:
        """Report the loss when the focus went elsewhere and stayed there."""
        window = self._window
        if window.isVisible() and not window.isActiveWindow() and not self._keep_open():
            log.info("%s lost the focus to %s", window.objectName(), QGuiApplication.focusWindow())
            self._on_lost()

    def _ensure_active(self) -> None:
        """Ask the window manager as a pager would, when it ignored the app's own request.

        Window managers with focus-stealing prevention may refuse a background
        app's activation; a request marked as coming from the user is honoured.
        """
        window = self._window
        if window.isVisible() and not window.isActiveWindow():
            log.info("%s not focused after showing; asking again", window.objectName())
            self._windows.activate(WindowRef(int(window.winId()), "tactful", window.windowTitle()))
