from __future__ import annotations

from collections.abc import Mapping

import pytest

from tactful.desktop.hotkey import (
    BackendUnavailableError,
    FakeHotkey,
    HotkeyBackend,
    HotkeyError,
    HotkeyFactory,
    NullHotkey,
    select_hotkey_backend,
    session_type,
)

X11_ENV = {"DISPLAY": ":0", "XDG_SESSION_TYPE": "x11"}
WAYLAND_ENV = {"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland", "DISPLAY": ":0"}


class Named(FakeHotkey):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.name = name


def works(name: str) -> HotkeyFactory:
    def factory(env: Mapping[str, str]) -> HotkeyBackend:
        return Named(name)

    return factory


def unavailable(reason: str) -> HotkeyFactory:
    def factory(env: Mapping[str, str]) -> HotkeyBackend:
        raise BackendUnavailableError(reason)

    return factory


def crashes(env: Mapping[str, str]) -> HotkeyBackend:
    raise RuntimeError("boom")


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        (X11_ENV, "linux", "x11"),
        ({"DISPLAY": ":1"}, "linux", "x11"),
        (WAYLAND_ENV, "linux", "wayland"),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", "wayland"),
        ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"}, "linux", "x11"),
        ({}, "linux", "unknown"),
        ({"DISPLAY": ":0"}, "win32", "windows"),
        ({}, "darwin", "macos"),
    ],
)
def test_session_type(env: dict[str, str], platform: str, expected: str) -> None:
    assert session_type(env, platform) == expected


def test_x11_session_uses_the_x11_grab_and_says_why_not_the_others() -> None:
    factories = {"x11": works("x11"), "portal": works("portal"), "keyboard": works("keyboard")}
    selection = select_hotkey_backend(X11_ENV, platform="linux", factories=factories)
    assert selection.backend.name == "x11"
    reasons = dict(selection.passed_over)
    assert set(reasons) == {"portal", "keyboard", "none"}
    assert "X11 session" in reasons["portal"]
    assert reasons["keyboard"] == "not needed: x11 works"


def test_wayland_session_tries_the_portal_first() -> None:
    factories = {
        "x11": works("x11"),
        "portal": unavailable("the desktop's portal has no GlobalShortcuts interface"),
        "keyboard": unavailable("the keyboard package runs only as root on Linux"),
    }
    selection = select_hotkey_backend(WAYLAND_ENV, platform="linux", factories=factories)
    assert isinstance(selection.backend, NullHotkey)
    reasons = dict(selection.passed_over)
    assert reasons["portal"] == "the desktop's portal has no GlobalShortcuts interface"
    assert reasons["keyboard"] == "the keyboard package runs only as root on Linux"
    assert "Wayland session" in reasons["x11"]
    assert [name for name, _ in selection.passed_over][:2] == ["portal", "keyboard"]
    assert "tactful toggle" in selection.backend.hint


def test_failing_backend_falls_through_to_the_next_with_its_reason() -> None:
    factories = {"x11": unavailable("cannot open X display ':0'"), "keyboard": works("keyboard")}
    selection = select_hotkey_backend(X11_ENV, platform="linux", factories=factories)
    assert selection.backend.name == "keyboard"
    assert ("x11", "cannot open X display ':0'") in selection.passed_over


def test_a_crashing_backend_does_not_stop_the_app() -> None:
    factories = {"x11": crashes, "keyboard": unavailable("no")}
    selection = select_hotkey_backend(X11_ENV, platform="linux", factories=factories)
    assert isinstance(selection.backend, NullHotkey)
    assert ("x11", "failed to start: boom") in selection.passed_over


def test_windows_uses_the_keyboard_package() -> None:
    factories = {"x11": works("x11"), "portal": works("portal"), "keyboard": works("keyboard")}
    selection = select_hotkey_backend({}, platform="win32", factories=factories)
    assert selection.backend.name == "keyboard"
    assert {"x11", "portal"} <= set(dict(selection.passed_over))


def test_macos_falls_back_to_the_command_with_a_reason_for_each_backend() -> None:
    factories = {"x11": works("x11"), "portal": works("portal"), "keyboard": works("keyboard")}
    selection = select_hotkey_backend({}, platform="darwin", factories=factories)
    assert isinstance(selection.backend, NullHotkey)
    reasons = dict(selection.passed_over)
    assert set(reasons) == {"x11", "portal", "keyboard"}
    assert "root" in reasons["keyboard"]


def test_preferred_backend_is_tried_first() -> None:
    factories = {"x11": works("x11"), "keyboard": works("keyboard")}
    selection = select_hotkey_backend(
        X11_ENV, platform="linux", prefer="keyboard", factories=factories
    )
    assert selection.backend.name == "keyboard"
    assert ("x11", "not needed: keyboard works") in selection.passed_over


def test_hotkey_switched_off_in_settings() -> None:
    factories = {"x11": works("x11")}
    selection = select_hotkey_backend(X11_ENV, platform="linux", prefer="none", factories=factories)
    assert isinstance(selection.backend, NullHotkey)
    assert all("switched off" in why for _, why in selection.passed_over)


def test_unknown_preference_is_reported_and_ignored() -> None:
    factories = {"x11": works("x11")}
    selection = select_hotkey_backend(
        X11_ENV, platform="linux", prefer="telepathy", factories=factories
    )
    assert selection.backend.name == "x11"
    assert selection.passed_over[0][0] == "telepathy"
    assert "unknown backend" in selection.passed_over[0][1]


def test_describe_lists_every_backend_passed_over() -> None:
    factories = {"x11": unavailable("no X")}
    text = select_hotkey_backend(X11_ENV, platform="linux", factories=factories).describe()
    assert text.splitlines()[0] == "hotkey backend: none"
    assert "x11: not used: no X" in text


def test_real_backends_on_a_desktop_without_any_session() -> None:
    selection = select_hotkey_backend({}, platform="linux")
    assert isinstance(selection.backend, NullHotkey)
    reasons = dict(selection.passed_over)
    assert set(reasons) == {"x11", "portal", "keyboard"}
    for name, why in reasons.items():
        assert not why.startswith("failed to start"), (name, why)


def test_fake_hotkey_triggers_the_registered_callback() -> None:
    hotkey = FakeHotkey()
    calls: list[int] = []
    assert not hotkey.trigger()
    hotkey.register("Ctrl+Alt+Space", lambda: calls.append(1))
    assert hotkey.trigger()
    assert calls == [1]
    hotkey.unregister()
    assert not hotkey.trigger()
    assert calls == [1]


def test_fake_hotkey_refuses_taken_and_invalid_sequences() -> None:
    hotkey = FakeHotkey(taken=["Ctrl+Alt+Space"])
    with pytest.raises(HotkeyError, match="already taken"):
        hotkey.register("Ctrl+Alt+Space", lambda: None)
    with pytest.raises(HotkeyError, match="unknown key"):
        hotkey.register("Ctrl+Nope", lambda: None)
    assert hotkey.sequence is None


def test_null_hotkey_checks_the_sequence_but_grabs_nothing() -> None:
    hotkey = NullHotkey()
    hotkey.register("Ctrl+Alt+T", lambda: None)
    assert hotkey.sequence == "Ctrl+Alt+T"
    with pytest.raises(HotkeyError):
        hotkey.register("Q", lambda: None)
    assert isinstance(hotkey, HotkeyBackend)
