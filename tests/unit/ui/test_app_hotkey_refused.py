"""The app and a hotkey the desktop refuses after registering it (the portal), with a fake."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from tactful.app import TactfulApp
from tactful.core.library import Library
from tactful.desktop.hotkey import FakeLateHotkey
from tactful.paths import Paths

from .conftest import PACK, fake_services

ADVICE = "Bind “tactful toggle” to a key in your desktop settings"


@pytest.fixture
def hotkey() -> FakeLateHotkey:
    return FakeLateHotkey()


@pytest.fixture
def app(qtbot: QtBot, paths: Paths, hotkey: FakeLateHotkey) -> Iterator[TactfulApp]:
    services = fake_services(hotkey, [("x11", "Wayland session")])
    running = TactfulApp(paths, services, library_loader=lambda _p: Library([PACK]))
    yield running
    running.shutdown()
    for box in running.messages.open_dialogs:
        box.close()
    if running.no_tray_notice is not None:
        running.no_tray_notice.close()
    running.settings_window.close()


def test_a_refusal_after_start_tells_the_agent_what_to_do(
    app: TactfulApp, hotkey: FakeLateHotkey
) -> None:
    assert hotkey.status == "binding"
    assert app.hotkey_error == ""
    errors_before = len(app.messages.history)

    hotkey.refuse("the shortcut dialog was cancelled")

    kind, text = app.messages.history[-1]
    assert len(app.messages.history) == errors_before + 1
    assert kind == "error"
    assert text.startswith("The shortcut dialog was cancelled.")
    assert ADVICE in text
    box = app.messages.open_dialogs[-1]
    assert box.text() == "The desktop refused the shortcut Ctrl+Alt+Space"
    assert "Ctrl+Alt+Space" in app.hotkey_error
    assert "bind “tactful toggle” to a key in your desktop settings" in app.hotkey_error
    assert not hotkey.trigger()  # no press reaches the popup any more

    app.open_settings()
    window = app.settings_window
    assert window.hotkey_error.isVisible()
    assert window.hotkey_error.text() == app.hotkey_error
    status = window.hotkey_backend.text()
    assert "Active backend: fake-portal (failed: the shortcut dialog was cancelled)" in status
    assert "x11: Wayland session" in status


def test_an_open_settings_window_shows_the_refusal_at_once(
    app: TactfulApp, hotkey: FakeLateHotkey
) -> None:
    app.open_settings()
    window = app.settings_window
    assert "fake-portal (binding)" in window.hotkey_backend.text()
    assert not window.hotkey_error.isVisible()

    hotkey.refuse("the desktop refused the shortcut")

    assert window.hotkey_error.isVisible()
    assert "Ctrl+Alt+Space" in window.hotkey_error.text()
    assert "fake-portal (failed: the desktop refused the shortcut)" in window.hotkey_backend.text()


def test_the_key_the_desktop_bound_is_shown_and_nothing_is_reported(
    app: TactfulApp, hotkey: FakeLateHotkey
) -> None:
    hotkey.bind("Super+K")
    app.open_settings()
    assert (
        "Active backend: fake-portal (bound: Super+K)" in app.settings_window.hotkey_backend.text()
    )
    assert not app.settings_window.hotkey_error.isVisible()
    assert [kind for kind, _ in app.messages.history if kind == "error"] == []
    assert hotkey.trigger()
    assert app.popup.isVisible()


def test_saving_the_settings_after_a_refusal_asks_the_desktop_again(
    app: TactfulApp, hotkey: FakeLateHotkey
) -> None:
    hotkey.refuse("the shortcut dialog was cancelled")
    assert app.hotkey_error

    assert app.apply_settings(app.settings.updated(hotkey="Ctrl+Alt+K")) is None

    assert hotkey.sequence == "Ctrl+Alt+K"
    assert hotkey.status == "binding"
    assert app.hotkey_error == ""
    hotkey.refuse("the desktop refused the shortcut")
    assert "The desktop refused the shortcut Ctrl+Alt+K" in app.hotkey_error
