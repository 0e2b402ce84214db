"""A private X session: Xvfb on a free display, and openbox managing it when asked.

Shared by the screenshot script, the benchmarks that need a real X server and
the integration tests, so that all of them start X the same way:

* ``Xvfb -displayfd`` picks a free display itself and writes its number on a
  pipe once it accepts clients; ``-noreset`` keeps it from resetting whenever
  its last client leaves, which drops any client connecting during the reset;
* openbox runs with an empty configuration and counts as started once it has
  set ``_NET_SUPPORTING_WM_CHECK`` on the root window (it is started again, a
  few times, when it exits before that);
* a missing program raises :class:`ToolMissingError` naming its Debian package;
  anything else that goes wrong raises :class:`XSessionError` saying what.

The folder holding this file is not a package: scripts find it next to them,
benchmarks and tests put the project's ``scripts`` folder on ``sys.path``.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCREEN = "1280x800x24"
"""The default screen: width x height x depth."""
STARTUP_TIMEOUT_S = 15.0
"""How long Xvfb and openbox may take to be ready."""
OPENBOX_ATTEMPTS = 3
"""openbox now and then fails to open a display a client just reached; it is started again."""
X11_SOCKET_DIR = Path("/tmp/.X11-unix")
"""Where a local X server listens, one socket ``X<number>`` per display."""
DEBIAN_PACKAGES = {"Xvfb": "xvfb", "openbox": "openbox", "xdotool": "xdotool", "xclip": "xclip"}
"""The Debian package of each program the X tooling runs, for the message when it is missing."""


class XSessionError(RuntimeError):
    """The X session could not start; the message says what went wrong."""


class ToolMissingError(XSessionError):
    """A program is not installed; the message names it and its Debian package."""


def find_tool(name: str) -> str:
    """The path of the program ``name``.

    Raises:
        ToolMissingError: It is not on ``PATH``.
    """
    path = shutil.which(name)
    if path is None:
        package = DEBIAN_PACKAGES.get(name, name)
        raise ToolMissingError(f"{name} is not on PATH (Debian package {package})")
    return path


def stop(proc: subprocess.Popen[Any]) -> None:
    """Terminate ``proc`` (kill it when it does not go) and close its pipes. Safe to repeat."""
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


def _wait(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise XSessionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.05)


def _can_connect(display: str) -> bool:
    from Xlib import display as xdisplay
    from Xlib import error

    if not (X11_SOCKET_DIR / f"X{display.lstrip(':')}").exists():
        return False  # python-xlib would try TCP and leave that socket open
    try:
        xdisplay.Display(display).close()
    except (error.DisplayError, error.ConnectionClosedError, OSError):
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


def start_xvfb(
    screen: str = SCREEN, timeout: float = STARTUP_TIMEOUT_S
) -> tuple[subprocess.Popen[bytes], str]:
    """Start Xvfb on a free display and wait until it accepts clients.

    Args:
        screen: Screen 0 as ``WIDTHxHEIGHTxDEPTH``.
        timeout: Seconds to wait for the server.

    Returns:
        The server process (stop it with :func:`stop`) and its display, like ``":3"``.

    Raises:
        ToolMissingError: Xvfb is not installed.
        XSessionError: Xvfb did not start or does not accept clients.
    """
    xvfb = find_tool("Xvfb")
    read_fd, write_fd = os.pipe()
    proc = subprocess.Popen(
        [xvfb, "-displayfd", str(write_fd), "-screen", "0", screen, "-nolisten", "tcp", "-noreset"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            readable, _, _ = select.select([pipe], [], [], timeout)
            number = pipe.readline().strip().decode() if readable else ""
        if not number.isdigit():
            raise XSessionError(f"Xvfb did not report a display number (exit code {proc.poll()})")
        display = f":{number}"
        _wait(lambda: _can_connect(display), timeout, f"Xvfb to accept clients on {display}")
    except BaseException:
        stop(proc)
        raise
    return proc, display


def start_openbox(
    display: str, timeout: float = STARTUP_TIMEOUT_S, attempts: int = OPENBOX_ATTEMPTS
) -> subprocess.Popen[bytes]:
    """Start openbox on ``display`` and wait until it manages the screen.

    Args:
        display: The X display, like ``":3"``.
        timeout: Seconds to wait, over all attempts.
        attempts: How many times openbox may be started.

    Returns:
        The openbox process; stop it with :func:`stop`.

    Raises:
        ToolMissingError: openbox is not installed.
        XSessionError: openbox exited ``attempts`` times (the message ends with
            what it printed), or did not manage the screen in time.
    """
    openbox = find_tool("openbox")
    env = dict(os.environ, DISPLAY=display)
    with tempfile.TemporaryFile() as output:

        def start() -> subprocess.Popen[bytes]:
            return subprocess.Popen(
                [openbox, "--sm-disable", "--config-file", "/dev/null"],
                env=env,
                stdout=output,
                stderr=subprocess.STDOUT,
            )

        def printed() -> str:
            output.seek(0)
            return output.read().decode(errors="replace")[-2000:]

        proc = start()
        left = attempts

        def managing() -> bool:
            nonlocal proc, left
            if proc.poll() is not None:
                left -= 1
                if left == 0:
                    raise XSessionError(f"openbox exited with {proc.returncode}: {printed()}")
                proc = start()
                return False
            return _wm_running(display)

        try:
            _wait(managing, timeout, "openbox to manage the screen")
        except BaseException:
            stop(proc)
            raise
    return proc


@dataclass
class XSession:
    """A running Xvfb, with openbox when asked for.

    Attributes:
        display: The X display, like ``":3"``.
        processes: Every process started, the server last; :meth:`close` stops them.
    """

    display: str
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def has_window_manager(self) -> bool:
        """Whether openbox runs on the display."""
        return len(self.processes) > 1

    def env(self, base: Mapping[str, str] | None = None, **extra: str) -> dict[str, str]:
        """``base`` (``os.environ`` when ``None``) pointed at this display as an X11 session.

        ``DISPLAY`` is the session's, ``XDG_SESSION_TYPE`` is ``x11`` and
        ``WAYLAND_DISPLAY`` is gone; ``extra`` adds or replaces variables.
        """
        env = dict(os.environ if base is None else base)
        env.pop("WAYLAND_DISPLAY", None)
        env.update(DISPLAY=self.display, XDG_SESSION_TYPE="x11", **extra)
        return env

    def close(self) -> None:
        """Stop openbox and the server. Safe to repeat."""
        for proc in self.processes:
            stop(proc)


@contextmanager
def x_session(screen: str = SCREEN, *, window_manager: bool = True) -> Iterator[XSession]:
    """Xvfb (and openbox when ``window_manager``) for the ``with`` block.

    Raises:
        ToolMissingError: Xvfb, or openbox when asked for, is not installed.
        XSessionError: One of them did not start.
    """
    if window_manager:
        find_tool("openbox")  # before starting a server that would only be stopped again
    server, display = start_xvfb(screen)
    session = XSession(display, [server])
    try:
        if window_manager:
            session.processes.insert(0, start_openbox(display))
        yield session
    finally:
        session.close()
