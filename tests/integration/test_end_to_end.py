"""The whole product on a real X server: hotkey, search, Enter, reply pasted, clipboard back.

Xvfb with openbox (fixtures in ``conftest.py``); Tactful runs as its own
process with a temporary base directory and a personal pack; the agent's app
is the Qt text window of ``target_window.py``, in a third process; xdotool
plays the agent's keyboard and xclip owns and reads the clipboard.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.x11

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def need_tool(name: str) -> str:
    """The path of ``name``, or skip saying which Debian package provides it."""
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not on PATH (Debian package {name})")
    return path


def wait_until(condition: Callable[[], Any], timeout: float = 15.0, what: str = "it") -> Any:
    """Poll ``condition`` until it is truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return result


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


def _xdotool(*args: str) -> str:
    out = subprocess.run(
        [need_tool("xdotool"), *args], check=True, timeout=10, capture_output=True, text=True
    )
    return out.stdout.strip()


def _clipboard() -> str | None:
    out = subprocess.run(
        [need_tool("xclip"), "-selection", "clipboard", "-o"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    return out.stdout.decode("utf-8", errors="replace") if out.returncode == 0 else None


def _active_window_name() -> str:
    try:
        return _xdotool("getactivewindow", "getwindowname")
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
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    env.pop("TACTFUL_BASEDIR", None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    log = base / "log" / "tactful.log"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tactful", "--basedir", str(base)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def ready() -> bool:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            pytest.fail(f"Tactful exited with {proc.returncode}: {err[-2000:]}")
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        return "Tactful is ready" in text and "grabbed" in text

    try:
        wait_until(ready, timeout=30, what="Tactful to start and grab its hotkey")
        yield proc, log
    finally:
        if log.exists():  # shown by pytest when the test failed
            print("--- tactful.log ---\n" + log.read_text(encoding="utf-8")[-4000:])
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


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
        wait_until(lambda: _clipboard() == ORIGINAL_CLIPBOARD, what="xclip to own the clipboard")
        yield ORIGINAL_CLIPBOARD
    finally:
        if proc.poll() is None:
            proc.terminate()
            proc.wait(timeout=10)


def test_hotkey_query_enter_pastes_after_the_text_and_restores_the_clipboard(
    tactful_app: tuple[subprocess.Popen[bytes], Path],
    window_factory: Callable[..., Any],
    agent_clipboard: str,
) -> None:
    proc, log = tactful_app
    target = window_factory(title="Helpdesk chat", text="Dear customer, ")
    _xdotool("windowactivate", "--sync", str(target.wid))
    wait_until(lambda: target.state().get("focused"), what="the chat window to have the focus")

    _xdotool("key", "--clearmodifiers", "ctrl+alt+space")
    wait_until(lambda: _active_window_name() == "Tactful", what="the popup to take the focus")
    _xdotool("type", "--delay", "15", "zebra scarf")
    _xdotool("key", "Return")

    target.wait_text("Dear customer, " + REPLY, timeout=15)
    wait_until(
        lambda: _clipboard() == agent_clipboard,
        timeout=10,
        what=f"the clipboard to hold {agent_clipboard!r} again",
    )
    assert proc.poll() is None, "Tactful is still running"
    assert "paste personal/zebra-scarf" in log.read_text(encoding="utf-8")
