from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot

from tactful.ui.tray import NoTrayNotice, Tray, TrayActions, no_tray_text


class Calls:
    def __init__(self) -> None:
        self.log: list[str] = []
        self.paused = False

    def actions(self, with_check: bool = False) -> TrayActions:
        return TrayActions(
            search=lambda: self.log.append("search"),
            settings=lambda: self.log.append("settings"),
            set_paused=self.set_paused,
            is_paused=lambda: self.paused,
            quit=lambda: self.log.append("quit"),
            check=(lambda: self.log.append("check")) if with_check else None,
            hotkey_text=lambda: "Ctrl+Alt+Space",
        )

    def set_paused(self, paused: bool) -> None:
        self.paused = paused
        self.log.append(f"paused={paused}")


def test_menu_has_only_what_exists(qtbot: QtBot) -> None:
    calls = Calls()
    tray = Tray(calls.actions(), available=True)
    assert tray.entries() == ["Search replies…", "Settings…", "Pause hotkey", "Quit Tactful"]
    assert all(a.isEnabled() for a in tray.menu.actions())
    with_check = Tray(Calls().actions(with_check=True), available=True)
    assert "Check a draft…" in with_check.entries()


def test_entries_call_their_actions(qtbot: QtBot) -> None:
    calls = Calls()
    tray = Tray(calls.actions(with_check=True), available=True)
    for text in ("Search", "Check", "Settings", "Quit"):
        tray.action(text).trigger()
    assert calls.log == ["search", "check", "settings", "quit"]


def test_pause_is_checkable_and_the_menu_is_rebuilt_with_the_state(qtbot: QtBot) -> None:
    calls = Calls()
    tray = Tray(calls.actions(), available=True)
    pause = tray.action("Pause hotkey")
    assert pause.isCheckable()
    assert not pause.isChecked()
    assert "Ctrl+Alt+Space" in tray.action("Search").text()
    pause.trigger()
    assert calls.log == ["paused=True"]
    tray.menu.aboutToShow.emit()
    assert tray.action("Pause hotkey").isChecked()
    assert "Ctrl+Alt+Space" not in tray.action("Search").text()


def test_clicking_the_icon_opens_the_search(qtbot: QtBot) -> None:
    calls = Calls()
    tray = Tray(calls.actions(), available=True)
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)
    assert calls.log == ["search"]


def test_without_a_tray_the_icon_is_not_shown(qtbot: QtBot) -> None:
    tray = Tray(Calls().actions(), available=False)
    assert tray.show() is False
    assert not tray.icon.isVisible()


def test_no_tray_notice_says_how_to_open_the_popup_once(qtbot: QtBot, tmp_path: Path) -> None:
    marker = tmp_path / "state" / "no-tray-notice-shown"
    notice = NoTrayNotice(marker)
    qtbot.addWidget(notice)
    assert notice.show_once("Ctrl+Alt+Space") is True
    assert notice.isVisible()
    assert "Ctrl+Alt+Space" in notice.label.text()
    assert "tactful toggle" in notice.label.text()
    assert marker.exists()
    again = NoTrayNotice(marker)
    qtbot.addWidget(again)
    assert again.show_once("Ctrl+Alt+Space") is False
    assert not again.isVisible()


def test_no_tray_text_without_a_hotkey_still_names_the_command() -> None:
    text = no_tray_text("")
    assert "tactful toggle" in text
    assert "Open the search popup with" not in text
