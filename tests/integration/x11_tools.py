"""Small helpers for the tests on a real X server: programs, waiting, child processes.

A missing program skips the test naming its Debian package (the table is in
``scripts/xsession.py``, which starts the X server); a wait that runs out
fails the test saying what it waited for.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import xsession

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 15.0


def need_tool(name: str) -> str:
    """The path of ``name``, or skip the test saying which package provides it."""
    try:
        return xsession.find_tool(name)
    except xsession.ToolMissingError as exc:
        pytest.skip(str(exc))


def wait_until(
    condition: Callable[[], Any], timeout: float = STARTUP_TIMEOUT, what: str = "condition"
) -> Any:
    """Poll ``condition`` until it returns something truthy; fail the test after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)
    return result


def fail_if_exited(proc: subprocess.Popen[bytes], what: str) -> None:
    """Fail the test with the end of ``proc``'s stderr when it has exited."""
    if proc.poll() is not None:
        err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
        pytest.fail(f"{what} exited with {proc.returncode}: {err[-2000:]}")


def xdotool(*args: str) -> str:
    """Run xdotool with ``args`` on ``$DISPLAY``; what it printed, stripped."""
    out = subprocess.run(
        [need_tool("xdotool"), *args], check=True, timeout=10, capture_output=True, text=True
    )
    return out.stdout.strip()


def read_selection(selection: str = "clipboard") -> str | None:
    """The text on an X selection (``clipboard`` or ``primary``); ``None`` when none is there."""
    out = subprocess.run(
        [need_tool("xclip"), "-selection", selection, "-o"],
        capture_output=True,
        timeout=10,
        check=False,
    )
    return out.stdout.decode("utf-8", errors="replace") if out.returncode == 0 else None


def qt_child_env() -> dict[str, str]:
    """The environment for a Python child showing Qt windows on ``$DISPLAY``, importing tactful."""
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    env["PYTHONPATH"] = os.pathsep.join(
        [str(PROJECT_ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])]
    )
    return env
