"""Starting Tactful from a command: display check, logging, signals, remote control.

The process-level pieces around the tray app: :func:`display_problem` (a clear
error instead of a Qt abort when there is no display), :func:`setup_logging`
(a rotating log under ``<log>/``), :func:`quit_on_signals` (SIGINT and SIGTERM
end the event loop cleanly, so the hotkey is released and the clipboard put
back), and :func:`control_app`, behind ``tactful toggle|show|hide|check``:
it tells the running app what to do, starting it first when needed.
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from tactful.desktop.single_instance import send_command
from tactful.paths import Paths

APP_NAME = "tactful"
EXIT_OK = 0
EXIT_FAILED = 1
EXIT_NO_DISPLAY = 2
START_TIMEOUT = 20.0
"""Seconds `tactful toggle` waits for an app it started to answer."""
LOG_BYTES = 1_000_000
LOG_BACKUPS = 3
HEADLESS_PLATFORMS = frozenset(
    {"offscreen", "minimal", "minimalegl", "vnc", "linuxfb", "eglfs", "vkkhrdisplay"}
)


def display_problem(env: Mapping[str, str], platform: str) -> str | None:
    """Why no window can be shown here, or ``None`` when a display is there."""
    if platform.startswith("win") or platform == "darwin":
        return None
    qpa = env.get("QT_QPA_PLATFORM", "").split(":", 1)[0].strip().lower()
    if qpa in HEADLESS_PLATFORMS:
        return None
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        return None
    return (
        "no graphical display: neither $DISPLAY nor $WAYLAND_DISPLAY is set; start Tactful "
        "from your desktop session (the sub-commands such as `tactful search` work without one)"
    )


def setup_logging(log_file: Path) -> logging.Handler:
    """Log INFO and up to ``log_file``, rotating it; return the handler (to remove it later)."""
    log_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(
        log_file, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.INFO:
        root.setLevel(logging.INFO)
    return handler


def quit_on_signals(app: QApplication) -> Callable[[], None]:
    """Quit the event loop cleanly on SIGINT and SIGTERM; return a function undoing it."""
    if not hasattr(signal, "SIGTERM") or os.name != "posix":
        return lambda: None
    reader, writer = socket.socketpair()
    reader.setblocking(False)
    writer.setblocking(False)
    previous_fd = signal.set_wakeup_fd(writer.fileno())
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def drain() -> None:
        with contextlib.suppress(OSError):
            reader.recv(64)

    notifier.activated.connect(drain)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    for sig in handlers:
        signal.signal(sig, lambda _signum, _frame: app.quit())

    def undo() -> None:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(previous_fd)
        notifier.setEnabled(False)
        reader.close()
        writer.close()

    return undo


def start_command(basedir: str | None) -> list[str]:
    """The command line that starts the tray app with the same base directory."""
    command = [sys.executable, "-m", APP_NAME]
    if basedir:
        command += ["--basedir", str(Path(basedir).expanduser().resolve())]
    return command


def control_app(
    paths: Paths,
    cmd: str,
    *,
    basedir: str | None = None,
    spawn: Callable[[list[str]], subprocess.Popen[bytes]] | None = None,
    timeout: float = START_TIMEOUT,
) -> int:
    """``tactful toggle|show|hide``: send ``cmd`` to the running app.

    ``toggle`` and ``show`` start the app when none is running (in its own
    session, so it outlives this command) and send the command once it
    answers; ``hide`` with no app running has nothing to do and exits 0.
    """
    if send_command(paths.runtime, cmd):
        return EXIT_OK
    if cmd == "hide":
        return EXIT_OK
    problem = display_problem(os.environ, sys.platform)
    if problem is not None:
        print(f"tactful: {problem}", file=sys.stderr)
        return EXIT_NO_DISPLAY
    launch = spawn or _spawn_detached
    proc = launch(start_command(basedir))
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if send_command(paths.runtime, cmd, timeout_ms=500):
            return EXIT_OK
        if proc.poll() is not None:
            print(
                f"tactful: the app exited at start (code {proc.returncode}); see {paths.log_file}",
                file=sys.stderr,
            )
            return EXIT_FAILED
        time.sleep(0.1)
    print(
        f"tactful: the app did not answer within {timeout:.0f} s; see {paths.log_file}",
        file=sys.stderr,
    )
    return EXIT_FAILED


def _spawn_detached(command: list[str]) -> subprocess.Popen[bytes]:
    kwargs: dict[str, Any] = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True
    else:
        kwargs["creationflags"] = getattr(subprocess, "DETACHED_PROCESS", 0) | getattr(
            subprocess, "CREATE_NEW_PROCESS_GROUP", 0
        )
    return subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        **kwargs,
    )
