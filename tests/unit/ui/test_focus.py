"""The focus keeper: report a lasting focus loss, not while the window is kept open.

(The offscreen platform focuses every window it shows, so a window left
unfocused after showing, which makes the keeper ask the window manager again,
cannot be staged here.)
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tactful.desktop.activewindow import FakeActiveWindow
from tactful.ui.focus import FocusKeeper


def windows(qtbot: QtBot) -> tuple[QWidget, QWidget]:
    watched, other = QWidget(), QWidget()
    for widget in (watched, other):
        qtbot.addWidget(widget)
    watched.setObjectName("watched")
    return watched, other


def activate(qtbot: QtBot, widget: QWidget) -> None:
    widget.show()
    widget.activateWindow()
    qtbot.waitUntil(widget.isActiveWindow)


def test_a_lasting_focus_loss_is_reported_once(qtbot: QtBot) -> None:
    watched, other = windows(qtbot)
    lost: list[bool] = []
    keeper = FocusKeeper(watched, FakeActiveWindow(), on_lost=lambda: lost.append(True))
    keeper.shown()
    activate(qtbot, watched)
    activate(qtbot, other)
    qtbot.waitUntil(lambda: lost == [True])
    assert watched.isVisible()  # the keeper reports; the owner decides to hide


def test_no_report_while_kept_open(qtbot: QtBot) -> None:
    watched, other = windows(qtbot)
    lost: list[bool] = []
    keep = [True]
    keeper = FocusKeeper(
        watched, FakeActiveWindow(), on_lost=lambda: lost.append(True), keep_open=lambda: keep[0]
    )
    keeper.shown()
    activate(qtbot, watched)
    activate(qtbot, other)
    qtbot.wait(200)
    assert lost == []
    keep[0] = False
    activate(qtbot, watched)
    activate(qtbot, other)
    qtbot.waitUntil(lambda: lost == [True])
