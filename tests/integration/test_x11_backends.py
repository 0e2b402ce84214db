"""The X11 backends against a real Xvfb server: hotkey grab, XTest paste, active window."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from x11_tools import need_tool, qt_child_env, read_selection, wait_until, xdotool

from tactful.desktop.activewindow import WindowRef, X11ActiveWindow
from tactful.desktop.hotkey import HotkeyError
from tactful.desktop.hotkey_x11 import X11Hotkey
from tactful.desktop.keysenders import XTestKeySender

pytestmark = pytest.mark.x11

HERE = Path(__file__).resolve().parent


def set_clipboard(text: str) -> None:
    """Own CLIPBOARD with ``text`` through xclip (it keeps serving in the background)."""
    subprocess.run(
        [need_tool("xclip"), "-selection", "clipboard", "-i"],
        input=text.encode(),
        check=True,
        timeout=10,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_until(
        lambda: read_selection("clipboard") == text, timeout=10, what="xclip to own CLIPBOARD"
    )


@pytest.fixture
def hotkey(x_display: str) -> Iterator[X11Hotkey]:
    """The X11 hotkey backend on the test's Xvfb, closed after the test."""
    backend = X11Hotkey.create(os.environ)
    try:
        yield backend
    finally:
        backend.close()


def test_hotkey_grab_fires_when_the_keys_are_pressed(hotkey: X11Hotkey, qtbot: QtBot) -> None:
    presses: list[int] = []
    hotkey.register("Ctrl+Alt+Space", lambda: presses.append(1))
    xdotool("key", "ctrl+alt+space")
    qtbot.waitUntil(lambda: len(presses) == 1, timeout=5000)
    # A different combination does not fire.
    xdotool("key", "ctrl+space")
    xdotool("key", "ctrl+alt+space")
    qtbot.waitUntil(lambda: len(presses) == 2, timeout=5000)
    assert len(presses) == 2


def test_hotkey_fires_with_numlock_and_capslock_on(hotkey: X11Hotkey, qtbot: QtBot) -> None:
    presses: list[int] = []
    hotkey.register("Ctrl+Alt+Space", lambda: presses.append(1))
    xdotool("key", "Num_Lock", "Caps_Lock")
    try:
        xdotool("key", "ctrl+alt+space")
        qtbot.waitUntil(lambda: len(presses) == 1, timeout=5000)
    finally:
        xdotool("key", "Num_Lock", "Caps_Lock")


def test_unregistered_hotkey_no_longer_fires(hotkey: X11Hotkey, qtbot: QtBot) -> None:
    presses: list[str] = []
    hotkey.register("Ctrl+Alt+Space", lambda: presses.append("space"))
    hotkey.register("Ctrl+Shift+F9", lambda: presses.append("f9"))
    xdotool("key", "ctrl+alt+space")
    xdotool("key", "ctrl+shift+F9")
    qtbot.waitUntil(lambda: presses == ["f9"], timeout=5000)
    hotkey.unregister()
    xdotool("key", "ctrl+shift+F9")
    hotkey.register("Meta+F10", lambda: presses.append("f10"))
    xdotool("key", "super+F10")
    qtbot.waitUntil(lambda: presses == ["f9", "f10"], timeout=5000)


def test_hotkey_taken_by_another_client_is_reported(x_display: str) -> None:
    first = X11Hotkey.create(os.environ)
    second = X11Hotkey.create(os.environ)
    try:
        first.register("Ctrl+Alt+Space", lambda: None)
        with pytest.raises(HotkeyError, match="already taken by another program"):
            second.register("Ctrl+Alt+Space", lambda: None)
        # Once the first program lets go, the key can be had.
        first.close()
        second.register("Ctrl+Alt+Space", lambda: None)
    finally:
        first.close()
        second.close()


@pytest.fixture
def sender(x_display: str) -> Iterator[XTestKeySender]:
    """The XTest key sender on the test's Xvfb, closed after the test."""
    backend = XTestKeySender.create(os.environ)
    try:
        yield backend
    finally:
        backend.close()


def test_xtest_paste_lands_in_the_focused_window(
    target_window: Any, sender: XTestKeySender
) -> None:
    xdotool("type", "--delay", "20", "Hello ")
    target_window.wait_text("Hello ")
    set_clipboard("we are on it")
    sender.send_paste("ctrl+v")
    target_window.wait_text("Hello we are on it")


def test_xtest_sees_held_modifiers(sender: XTestKeySender) -> None:
    assert not sender.modifiers_down()
    xdotool("keydown", "ctrl")
    wait_until(sender.modifiers_down, timeout=5, what="Ctrl to be seen as held")
    xdotool("keyup", "ctrl")
    wait_until(lambda: not sender.modifiers_down(), timeout=5, what="Ctrl to be released")


def test_active_window_is_read_and_activated(window_factory: Callable[..., Any]) -> None:
    first = window_factory(title="First chat")
    second = window_factory(title="Second chat")
    windows = X11ActiveWindow()
    try:
        current = wait_until(
            lambda: (w := windows.current()) is not None and w.id == second.wid and w,
            timeout=10,
            what="the second window to be active",
        )
        assert current.title == "Second chat"
        assert current.pid == second.proc.pid
        assert current.wm_class != ""

        assert windows.activate(WindowRef(first.wid, "", "First chat"))
        wait_until(
            lambda: (w := windows.current()) is not None and w.id == first.wid,
            timeout=10,
            what="the first window to become active",
        )
        wait_until(lambda: first.state().get("focused"), timeout=10, what="focus in the first")
    finally:
        windows.close()


def test_paste_sequence_end_to_end(window_factory: Callable[..., Any]) -> None:
    """Clipboard borrowed, focus given back, Ctrl+V typed, clipboard restored."""
    chat = window_factory(title="Chat", text="Dear customer, ")
    window_factory(title="Somewhere else")  # has the focus, like the popup would
    set_clipboard("the agent's own clipboard")
    flow = subprocess.Popen(
        [sys.executable, str(HERE / "paste_flow.py"), str(chat.wid), "we are on it."],
        env=qt_child_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert flow.stdout is not None
        line = flow.stdout.readline()
        if not line:
            assert flow.stderr is not None
            pytest.fail(f"paste flow ended without an outcome: {flow.stderr.read().decode()}")
        outcome = json.loads(line)
        assert outcome["pasted"], outcome
        assert outcome["restored"], outcome
        assert outcome["keys"] == "ctrl+v"
        chat.wait_text("Dear customer, we are on it.")
        assert read_selection("clipboard") == "the agent's own clipboard"
    finally:
        flow.communicate(b"\n", timeout=20)
