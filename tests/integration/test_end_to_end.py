"""The whole product on a real X server: hotkey, search, Enter, reply pasted, clipboard back.

Xvfb with openbox (fixtures in ``conftest.py``); Tactful runs as its own
process with a temporary base directory and a personal pack; the agent's app
is the Qt text window of ``target_window.py``, in a third process; xdotool
plays the agent's keyboard and xclip owns and reads the clipboard.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from x11_tools import fail_if_exited, need_tool, qt_child_env, read_selection, wait_until, xdotool

import xsession

pytestmark = pytest.mark.x11


REPLY = "Thank you for waiting, the zebra scarf ships by express today."
ORIGINAL_CLIPBOARD = "order #5521 copied by the agent"
PERSONAL_PACK = f'''format = 1

[pack]
id = "personal"
name = "My replies"
version = "1.0.0"

[[templates]]
id = "zebra-scarf"
title = "Zebra scarf on its way"
situation = "order_late"
keywords = ["zebra scarf late"]
body = "{REPLY}"
'''


def _active_window_name() -> str:
    try:
        return xdotool("getactivewindow", "getwindowname")
    except subprocess.CalledProcessError:
        return ""


@pytest.fixture(autouse=True)
def _tools() -> None:
    """Skip before starting anything when a tool of the test is missing."""
    for tool in ("Xvfb", "openbox", "xdotool", "xclip"):
        need_tool(tool)


@pytest.fixture
def tactful_app(
    window_manager: str, tmp_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """Tactful started as a process on the Xvfb display, ready when its hotkey is grabbed."""
    base = tmp_path / "base"
    packs = base / "data" / "packs"
    packs.mkdir(parents=True)
    (packs / "personal.tactful.toml").write_text(PERSONAL_PACK, encoding="utf-8")
    env = qt_child_env()
    env.pop("TACTFUL_BASEDIR", None)
    log = base / "log" / "tactful.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tactful", "--basedir", str(base)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def ready() -> bool:
        fail_if_exited(proc, "Tactful")
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        return "Tactful is ready" in text and "grabbed" in text

    try:
        wait_until(ready, timeout=30, what="Tactful to start and grab its hotkey")
        yield proc, log
    finally:
        if log.exists():  # shown by pytest when the test failed
            print("--- tactful.log ---\n" + log.read_text(encoding="utf-8")[-4000:])
        xsession.stop(proc)


@pytest.fixture
def agent_clipboard(window_manager: str) -> Iterator[str]:
    """xclip owning CLIPBOARD with the agent's own text (it exits when someone else copies)."""
    xclip = need_tool("xclip")
    proc = subprocess.Popen(
        [xclip, "-quiet", "-selection", "clipboard", "-i"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None
    proc.stdin.write(ORIGINAL_CLIPBOARD.encode("utf-8"))
    proc.stdin.close()
    try:
        wait_until(
            lambda: read_selection() == ORIGINAL_CLIPBOARD, what="xclip to own the clipboard"
        )
        yield ORIGINAL_CLIPBOARD
    finally:
        xsession.stop(proc)


def test_hotkey_query_enter_pastes_after_the_text_and_restores_the_clipboard(
    tactful_app: tuple[subprocess.Popen[bytes], Path],
    window_factory: Callable[..., Any],
    agent_clipboard: str,
) -> None:
    proc, log = tactful_app
    target = window_factory(title="Helpdesk chat", text="Dear customer, ")
    xdotool("windowactivate", "--sync", str(target.wid))
    wait_until(lambda: target.state().get("focused"), what="the chat window to have the focus")

    xdotool("key", "--clearmodifiers", "ctrl+alt+space")
    wait_until(lambda: _active_window_name() == "Tactful", what="the popup to take the focus")
    xdotool("type", "--delay", "15", "zebra scarf")
    xdotool("key", "Return")

    target.wait_text("Dear customer, " + REPLY, timeout=15)
    wait_until(
        lambda: read_selection() == agent_clipboard,
        timeout=10,
        what=f"the clipboard to hold {agent_clipboard!r} again",
    )
    assert proc.poll() is None, "Tactful is still running"
    assert "paste personal/zebra-scarf" in log.read_text(encoding="utf-8")
