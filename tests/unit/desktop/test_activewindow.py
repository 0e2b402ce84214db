from __future__ import annotations

from tactful.desktop.activewindow import (
    ActiveWindowBackend,
    FakeActiveWindow,
    NullActiveWindow,
    WindowRef,
    select_active_window_backend,
)
from tactful.desktop.notify import FakeNotifier, LogNotifier, Notifier

CHAT = WindowRef(1, "Slack", "support channel", 7)
MAIL = WindowRef(2, "Thunderbird", "Inbox")


def test_fake_desktop_focus_and_activation() -> None:
    windows = FakeActiveWindow(CHAT, MAIL, active=MAIL)
    assert isinstance(windows, ActiveWindowBackend)
    assert windows.current() == MAIL
    assert windows.activate(CHAT)
    assert windows.current() == CHAT
    windows.refuse = True
    assert not windows.activate(MAIL)
    assert windows.current() == CHAT
    assert not windows.activate(WindowRef(99, "", ""))
    assert windows.activations == [CHAT, MAIL, WindowRef(99, "", "")]


def test_without_a_display_nothing_is_known() -> None:
    backend = select_active_window_backend({}, platform="linux")
    assert isinstance(backend, NullActiveWindow)
    assert backend.current() is None
    assert not backend.activate(CHAT)


def test_unreachable_display_falls_back() -> None:
    backend = select_active_window_backend({"DISPLAY": ":987"}, platform="linux")
    assert isinstance(backend, NullActiveWindow)


def test_window_refs_are_values() -> None:
    assert WindowRef(1, "Slack", "support channel", 7) == CHAT
    assert hash(WindowRef(1, "Slack", "support channel", 7)) == hash(CHAT)


def test_notifiers() -> None:
    fake = FakeNotifier()
    assert isinstance(fake, Notifier)
    assert isinstance(LogNotifier(), Notifier)
    fake.notify("Tactful", "Copied — paste with Ctrl+V")
    assert fake.messages == [("Tactful", "Copied — paste with Ctrl+V")]
