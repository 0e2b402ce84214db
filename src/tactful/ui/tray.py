"""The tray icon and its menu, and what to do on a desktop without a tray.

The menu is rebuilt each time it opens (``aboutToShow``), so it always shows
the current state: Search, Check a draft (when the checker exists), Settings,
Pause hotkey (checkable) and Quit, never a greyed-out entry for something not
built. A click on the icon opens the search popup. Without a system tray
(GNOME without the AppIndicator extension) the app keeps running and
:class:`NoTrayNotice` says once how to open the popup: the hotkey, or the
command ``tactful toggle``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSystemTrayIcon,
    QVBoxLayout,
    QWidget,
)

from tactful.resources import resource_dir


def app_icon() -> QIcon:
    """Tactful's icon (an SVG, crisp at every size)."""
    return QIcon(str(resource_dir("icons") / "tactful.svg"))


@dataclass(frozen=True)
class TrayActions:
    """What the menu entries do; ``check`` is ``None`` while there is no checker window."""

    search: Callable[[], None]
    settings: Callable[[], None]
    set_paused: Callable[[bool], None]
    is_paused: Callable[[], bool]
    quit: Callable[[], None]
    check: Callable[[], None] | None = None
    hotkey_text: Callable[[], str] = lambda: ""


class Tray(QObject):
    """The tray icon with its menu.

    Args:
        actions: What the entries do.
        available: Whether the desktop has a system tray; asked of Qt when ``None``.
        icon: The icon; :func:`app_icon` when ``None``.
        parent: Qt parent.
    """

    def __init__(
        self,
        actions: TrayActions,
        *,
        available: bool | None = None,
        icon: QIcon | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._actions = actions
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        self.icon = QSystemTrayIcon(icon or app_icon(), self)
        self.icon.setToolTip("Tactful")
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._on_activated)
        self.rebuild_menu()

    def show(self) -> bool:
        """Show the icon; ``False`` when the desktop has no tray."""
        if not self.available:
            return False
        self.icon.show()
        return True

    def hide(self) -> None:
        """Remove the icon."""
        self.icon.hide()

    def rebuild_menu(self) -> None:
        """Fill the menu for the current state."""
        self.menu.clear()
        actions = self._actions
        hotkey = actions.hotkey_text()
        search = self._add("&Search replies…", actions.search)
        if hotkey and not actions.is_paused():
            search.setText(f"&Search replies…\t{hotkey}")
        if actions.check is not None:
            self._add("&Check a draft…", actions.check)
        self._add("S&ettings…", actions.settings)
        self.menu.addSeparator()
        pause = QAction("&Pause hotkey", self.menu)
        pause.setCheckable(True)
        pause.setChecked(actions.is_paused())
        pause.toggled.connect(actions.set_paused)
        self.menu.addAction(pause)
        self.menu.addSeparator()
        self._add("&Quit Tactful", actions.quit)

    def _add(self, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    def entries(self) -> list[str]:
        """The menu's entry texts (without shortcuts and accelerators), for tests and logs."""
        return [
            a.text().split("\t")[0].replace("&", "")
            for a in self.menu.actions()
            if not a.isSeparator()
        ]

    def action(self, text: str) -> QAction:
        """The menu entry whose text (without ``&``) starts with ``text``."""
        for a in self.menu.actions():
            if a.text().replace("&", "").startswith(text):
                return a
        raise LookupError(f"no menu entry {text!r} in {self.entries()}")

    def _on_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self._actions.search()

    def close(self) -> None:
        """Remove the icon and free the menu."""
        self.icon.hide()
        self.menu.deleteLater()


def no_tray_text(hotkey: str) -> str:
    """How to open the popup when there is no tray icon."""
    lines = ["Tactful is running, but this desktop has no system tray, so there is no icon."]
    if hotkey:
        lines.append(f"Open the search popup with {hotkey}.")
    lines.append(
        "You can also run “tactful toggle” (bind it to a shortcut in your desktop's "
        "keyboard settings), “tactful show” or “tactful hide”."
    )
    return "\n\n".join(lines)


class NoTrayNotice(QWidget):
    """A small window saying how to reach Tactful without a tray; shown once.

    Args:
        marker: A file that records that the notice was shown; while it
            exists the notice stays quiet.
        parent: Qt parent.
    """

    def __init__(self, marker: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle("Tactful is running")
        self.setObjectName("noTrayNotice")
        self.setWindowIcon(app_icon())
        self.marker = marker
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QPushButton("Got it")
        close.setDefault(True)
        close.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 18, 20, 14)
        layout.setSpacing(14)
        layout.addWidget(self.label)
        layout.addLayout(buttons)
        self.setMinimumWidth(440)

    def show_once(self, hotkey: str) -> bool:
        """Show the notice unless it was shown before; ``True`` when it showed now."""
        if self.marker.exists():
            return False
        self.label.setText(no_tray_text(hotkey))
        self.adjustSize()
        self.show()
        try:
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            self.marker.write_text("shown\n", encoding="utf-8")
        except OSError:
            pass  # without the marker it shows again next start, which is harmless
        return True
