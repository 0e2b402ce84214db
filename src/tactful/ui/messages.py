"""The one place where errors and news become dialogs and notifications.

Everything the user should read goes through :class:`Messages`: a
:class:`~tactful.core.errors.TactfulError` becomes a clear message (it
already says what is wrong and where), problems found while loading are
listed together once, short news ("Copied — paste with Ctrl+V") becomes a
notification, and an unexpected exception becomes a crash dialog that points
at the log file (:func:`install_excepthook`). Dialogs are never modal loops:
they open and the app keeps running.
"""

from __future__ import annotations

import logging
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType
from typing import Protocol

from PySide6.QtCore import QObject, QPoint, Qt, QTimer
from PySide6.QtGui import QCursor, QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QSystemTrayIcon, QWidget

from tactful.core.errors import TactfulError

log = logging.getLogger(__name__)

TITLE = "Tactful"
TOAST_MS = 4000
TOAST_MAX_WIDTH = 460
MAX_LISTED = 12
"""A problem list longer than this shows the first ones and a count."""


class NotifySink(Protocol):
    """Something that can show a desktop notification (the desktop layer's notifier)."""

    def notify(self, title: str, body: str) -> None:
        """Show ``body`` under ``title``."""
        ...


def describe(error: BaseException | str) -> str:
    """One clear sentence for the user about ``error``."""
    if isinstance(error, str):
        return error
    if isinstance(error, TactfulError):
        return str(error)
    if isinstance(error, OSError):
        where = f"{error.filename}: " if error.filename else ""
        return f"{where}{error.strerror or error}"
    return f"{type(error).__name__}: {error}"


class Toast(QLabel):
    """A small note near the bottom of the screen that never takes the focus."""

    def __init__(self) -> None:
        super().__init__(None)
        self.setWindowFlags(
            Qt.WindowType.ToolTip
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
            | Qt.WindowType.WindowDoesNotAcceptFocus
        )
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self.setWordWrap(True)
        self.setMargin(12)
        self.setStyleSheet("QLabel { border: 1px solid palette(mid); }")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAutoFillBackground(True)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.hide)

    def popup(self, text: str, ms: int = TOAST_MS) -> None:
        """Show ``text`` for ``ms`` milliseconds at the bottom centre of the current screen."""
        self.setText(text)
        natural = self.fontMetrics().horizontalAdvance(text) + 2 * self.margin() + 8
        self.setFixedWidth(min(TOAST_MAX_WIDTH, natural))
        self.adjustSize()
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        if screen is not None:
            area = screen.availableGeometry()
            self.move(
                QPoint(area.center().x() - self.width() // 2, area.bottom() - self.height() - 48)
            )
        self.show()
        self._timer.start(ms)


class Messages(QObject):
    """Shows errors, problem lists, news and crashes.

    Args:
        log_path: The log file, named in crash dialogs.
        notifier: Desktop notifications, used when there is no tray icon to speak through.
        parent: Qt parent.

    Attributes:
        history: Every ``(kind, text)`` shown, in order; kinds are ``error``,
            ``problems``, ``info``, ``notify`` and ``crash``.
    """

    def __init__(
        self,
        log_path: Path,
        *,
        notifier: NotifySink | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.notifier = notifier
        self.tray: QSystemTrayIcon | None = None
        self.history: list[tuple[str, str]] = []
        self._dialogs: list[QMessageBox] = []
        self._toast: Toast | None = None
        self._reported: set[str] = set()
        self._notified: set[str] = set()
        self._crash_boxes: dict[str, QMessageBox] = {}

    @property
    def open_dialogs(self) -> list[QMessageBox]:
        """The dialogs still open."""
        return list(self._dialogs)

    def _open(
        self,
        icon: QMessageBox.Icon,
        text: str,
        *,
        informative: str = "",
        details: str = "",
        parent: QWidget | None = None,
    ) -> QMessageBox:
        box = QMessageBox(icon, TITLE, text, QMessageBox.StandardButton.Ok, parent)
        box.setTextFormat(Qt.TextFormat.PlainText)
        if informative:
            box.setInformativeText(informative)
        if details:
            box.setDetailedText(details)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setWindowModality(Qt.WindowModality.NonModal)
        self._dialogs.append(box)
        box.finished.connect(lambda _result, b=box: self._forget(b))
        box.show()
        box.raise_()
        box.activateWindow()
        return box

    def _forget(self, box: QMessageBox) -> None:
        if box in self._dialogs:
            self._dialogs.remove(box)

    def error(
        self, error: BaseException | str, *, context: str = "", parent: QWidget | None = None
    ) -> QMessageBox:
        """Show an error dialog; ``context`` says what Tactful was doing."""
        text = describe(error)
        log.warning("%s%s", f"{context}: " if context else "", text)
        self.history.append(("error", text))
        return self._open(
            QMessageBox.Icon.Warning,
            context or text,
            informative=text if context else "",
            parent=parent,
        )

    def problems(self, errors: Sequence[BaseException | str], *, what: str) -> QMessageBox | None:
        """List ``errors`` in one dialog, introduced by ``what``; each text only once per run."""
        texts = [describe(e) for e in errors]
        fresh = [t for t in texts if t not in self._reported]
        if not fresh:
            return None
        self._reported.update(fresh)
        for text in fresh:
            log.warning("%s: %s", what, text)
        shown = fresh[:MAX_LISTED]
        listing = "\n\n".join(shown)
        if len(fresh) > len(shown):
            listing += f"\n\n… and {len(fresh) - len(shown)} more (see {self.log_path})"
        self.history.append(("problems", f"{what}\n{listing}"))
        return self._open(QMessageBox.Icon.Warning, what, informative=listing)

    def info(self, text: str, *, informative: str = "") -> QMessageBox:
        """Show a small information window (used when there is nowhere else to say it)."""
        self.history.append(("info", text))
        return self._open(QMessageBox.Icon.Information, text, informative=informative)

    def notify(self, text: str) -> None:
        """Show short news without taking the focus: tray balloon, desktop notification or toast."""
        log.info("notify: %s", text)
        self.history.append(("notify", text))
        tray = self.tray
        if tray is not None and tray.isVisible() and tray.supportsMessages():
            tray.showMessage(TITLE, text, QSystemTrayIcon.MessageIcon.Information, TOAST_MS)
            return
        if self.notifier is not None:
            try:
                self.notifier.notify(TITLE, text)
            except Exception:  # a notification service failing must not lose the news
                log.exception("desktop notification failed")
            else:
                return
        if self._toast is None:
            self._toast = Toast()
        self._toast.popup(text)

    def notify_once(self, text: str) -> bool:
        """:meth:`notify` ``text`` unless it was already shown this run; ``True`` when shown."""
        if text in self._notified:
            log.info("not repeated: %s", text)
            return False
        self._notified.add(text)
        self.notify(text)
        return True

    def crash(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> QMessageBox:
        """Log an unexpected exception and show the crash dialog with the log path."""
        details = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", details)
        summary = f"{exc_type.__name__}: {exc}"
        self.history.append(("crash", summary))
        open_box = self._crash_boxes.get(summary)
        if open_box is not None and open_box in self._dialogs:
            return open_box  # the same error again (say, on every keystroke): one dialog
        text = "Tactful hit an unexpected error and may not work as it should."
        informative = (
            f"{exc_type.__name__}: {exc}\n\nThe details are in the log file:\n{self.log_path}\n\n"
            "Please include it when you report the problem."
        )
        box = self._open(QMessageBox.Icon.Critical, text, informative=informative, details=details)
        self._crash_boxes[summary] = box
        return box


ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]


def install_excepthook(log_path: Path, messages: Messages | None = None) -> ExceptHook:
    """Route unexpected exceptions to the log and a crash dialog; return the previous hook.

    Args:
        log_path: The log file named in the dialog.
        messages: Where the dialog opens; a fresh :class:`Messages` when ``None``.
    """
    previous = sys.excepthook
    target = messages or Messages(log_path)

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            previous(exc_type, exc, tb)
            return
        try:
            target.crash(exc_type, exc, tb)
        except Exception:  # the crash dialog itself failed: fall back to stderr
            previous(exc_type, exc, tb)

    sys.excepthook = hook
    return previous
