"""Fixtures for tests against a real X server: Xvfb, openbox and a target window.

``x_display`` starts ``Xvfb`` on a free display (``-displayfd`` lets the server
pick one) and points ``DISPLAY`` at it for the test; ``window_manager`` adds
``openbox`` and waits until it manages the screen; ``target_window`` starts a
small Qt text window in another process (``target_window.py``) that reports its
text and window id through a JSON file. Tests using them skip with a reason
when the tools are not installed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent
PROJECT_ROOT = HERE.parent.parent
STARTUP_TIMEOUT = 15.0


def need_tool(name: str) -> str:
    """The path of ``name``, or skip the test saying which package provides it."""
    path = shutil.which(name)
    if path is None:
        packages = {"Xvfb": "xvfb", "openbox": "openbox", "xdotool": "xdotool", "xclip": "xclip"}
        pytest.skip(f"{name} is not on PATH (Debian package {packages.get(name, name)})")
    return path


def wait_until(
    condition: Callable[[], Any], timeout: float = STARTUP_TIMEOUT, what: str = "condition"
) -> Any:
    """Poll ``condition`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


@pytest.fixture
def x_display(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh Xvfb server; ``DISPLAY`` points at it during the test."""
    xvfb = need_tool("Xvfb")
    read_fd, write_fd = os.pipe()
    # -noreset: by default Xvfb resets whenever its last client leaves (the readiness
    # probe below does), and a client connecting during the reset is dropped.
    proc = subprocess.Popen(
        [
            xvfb,
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            "1280x800x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            number = pipe.readline().strip().decode()
        if not number.isdigit():
            pytest.fail(f"Xvfb did not report a display number (exit code {proc.poll()})")
        display = f":{number}"
        wait_until(lambda: _can_connect(display), what=f"Xvfb to accept clients on {display}")
        monkeypatch.setenv("DISPLAY", display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
        yield display
    finally:
        _stop(proc)


def _can_connect(display: str) -> bool:
    from tactful.desktop import x11

    try:
        x11.open_display(display).close()
    except x11.X11UnavailableError:
        return False
    return True


def _wm_running(display: str) -> bool:
    from Xlib import X
    from Xlib import display as xdisplay

    conn = xdisplay.Display(display)
    try:
        root = conn.screen().root
        check = root.get_full_property(
            conn.intern_atom("_NET_SUPPORTING_WM_CHECK"), X.AnyPropertyType
        )
        return check is not None and len(check.value) > 0
    finally:
        conn.close()


@pytest.fixture
def window_manager(x_display: str, tmp_path: Path) -> Iterator[str]:
    """openbox managing the Xvfb screen (EWMH active window, focus, stacking)."""
    openbox = need_tool("openbox")
    log_file = tmp_path / "openbox.log"
    attempts = 3  # openbox now and then fails to open a display Xlib just reached

    def start() -> subprocess.Popen[bytes]:
        with log_file.open("ab") as log:
            return subprocess.Popen(
                [openbox, "--sm-disable", "--config-file", "/dev/null"],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    proc = start()

    def managing() -> bool:
        nonlocal proc, attempts
        if proc.poll() is not None:
            attempts -= 1
            if attempts == 0:
                output = log_file.read_text(errors="replace")[-2000:]
                pytest.fail(f"openbox exited with {proc.returncode}: {output}")
            proc = start()
            return False
        return _wm_running(x_display)

    try:
        wait_until(managing, what="openbox to manage the screen")
        yield x_display
    finally:
        _stop(proc)


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
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    proc = subprocess.Popen(
        [sys.executable, str(HERE / "target_window.py"), str(state_file), title, text],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    window = TargetWindow(proc, state_file, title)

    def ready() -> bool:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            pytest.fail(f"target window exited with {proc.returncode}: {err[-2000:]}")
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
            _stop(window.proc)


@pytest.fixture
def target_window(window_factory: Callable[..., TargetWindow]) -> TargetWindow:
    """A focused Qt text window in another process, under openbox."""
    return window_factory()
