"""Fixtures for tests against a real X server: Xvfb, openbox and a target window.

``x_display`` starts ``Xvfb`` on a free display and points ``DISPLAY`` at it
for the test; ``window_manager`` adds ``openbox`` and waits until it manages the
screen (both through ``scripts/xsession.py``, as the benchmarks and the
screenshot script start them); ``target_window`` starts a small Qt text window
in another process (``target_window.py``) that reports its text and window id
through a JSON file. Tests using them skip with a reason when the tools are not
installed.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pytest
from x11_tools import fail_if_exited, qt_child_env, wait_until

import xsession

HERE = Path(__file__).resolve().parent
T = TypeVar("T")


def _start(start: Callable[[], T]) -> T:
    """``start()``; skip the test when a program is missing, fail it when X does not start."""
    try:
        return start()
    except xsession.ToolMissingError as exc:
        pytest.skip(str(exc))
    except xsession.XSessionError as exc:
        pytest.fail(str(exc))


@pytest.fixture
def x_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh Xvfb server; ``DISPLAY`` points at it during the test."""
    server, display = _start(xsession.start_xvfb)
    try:
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
        yield display
    finally:
        xsession.stop(server)


@pytest.fixture
def window_manager(x_display: str) -> Iterator[str]:
    """openbox managing the Xvfb screen (EWMH active window, focus, stacking)."""
    openbox = _start(lambda: xsession.start_openbox(x_display))
    try:
        yield x_display
    finally:
        xsession.stop(openbox)


@dataclass
class TargetWindow:
    """A Qt line edit in another process, standing for the agent's chat window."""

    proc: subprocess.Popen[bytes]
    state_file: Path
    title: str

    def state(self) -> dict[str, Any]:
        """The last state the window wrote: ``text``, ``wid``, ``focused``."""
        try:
            return dict(json.loads(self.state_file.read_text(encoding="utf-8")))
        except (FileNotFoundError, json.JSONDecodeError):
            return {}

    @property
    def wid(self) -> int:
        """The X11 id of the top-level window."""
        return int(self.state()["wid"])

    def text(self) -> str:
        """The text in the line edit now."""
        return str(self.state().get("text", ""))

    def wait_text(self, expected: str, timeout: float = 10.0) -> None:
        """Wait until the line edit holds ``expected``; fail showing what it holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.text() == expected:
                return
            time.sleep(0.05)
        pytest.fail(f"target window holds {self.text()!r}, expected {expected!r}")


def start_target_window(
    tmp_path: Path, title: str = "Tactful test target", text: str = ""
) -> TargetWindow:
    """Start ``target_window.py`` on ``$DISPLAY`` and wait until it is shown and focused."""
    state_file = tmp_path / f"target-{time.monotonic_ns()}.json"
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "target_window.py"), str(state_file), title, text],
        env=qt_child_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    window = TargetWindow(proc, state_file, title)

    def ready() -> bool:
        fail_if_exited(proc, "the target window")
        return bool(window.state().get("focused"))

    wait_until(ready, what="the target window to show and take the focus")
    return window


@pytest.fixture
def window_factory(window_manager: str, tmp_path: Path) -> Iterator[Callable[..., TargetWindow]]:
    """Start target windows (``factory(title=..., text=...)``); all are closed after the test."""
    started: list[TargetWindow] = []

    def factory(title: str = "Tactful test target", text: str = "") -> TargetWindow:
        window = start_target_window(tmp_path, title=title, text=text)
        started.append(window)
        return window

    try:
        yield factory
    finally:
        for window in started:
            xsession.stop(window.proc)


@pytest.fixture
def target_window(window_factory: Callable[..., TargetWindow]) -> TargetWindow:
    """A focused Qt text window in another process, under openbox."""
    return window_factory()
