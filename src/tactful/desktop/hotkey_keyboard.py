"""The global hotkey through the ``keyboard`` package: Windows, and Linux only where it can run.

On Windows the package installs a low-level keyboard hook and needs nothing
special. On Linux it reads ``/dev/input`` and writes ``/dev/uinput`` and
refuses to start unless the process runs as root; Tactful never asks for
root, so :func:`keyboard_problem` passes it over unless it is already running
as root with readable input devices. The package calls back on its own
thread; a queued Qt signal brings the press to the GUI thread. Another
program holding the same keys cannot be detected through a hook.
"""

from __future__ import annotations

import glob
import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import Any

from tactful.desktop.hotkey import BackendUnavailableError, HotkeyError, validate_sequence
from tactful.desktop.keys import parse_hotkey
from tactful.desktop.relay import CallbackRelay

log = logging.getLogger(__name__)


def keyboard_problem(platform: str | None = None, *, for_sending: bool = False) -> str | None:
    """Why the ``keyboard`` package cannot run here, or ``None`` when it can.

    Args:
        platform: ``sys.platform`` when ``None``.
        for_sending: Also require ``/dev/uinput`` (needed to type keys on Linux).
    """
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        return None
    if platform == "darwin":
        return "the keyboard package needs root on macOS; Tactful never asks for it"
    if not platform.startswith("linux"):
        return f"the keyboard package does not support {platform}"
    if os.geteuid() != 0:
        return "the keyboard package runs only as root on Linux; Tactful never asks for root"
    devices = glob.glob("/dev/input/event*")
    if not devices:
        return "no input devices under /dev/input (a container or remote session?)"
    if not any(os.access(d, os.R_OK) for d in devices):
        return "the input devices under /dev/input are not readable"
    if for_sending and not os.access("/dev/uinput", os.W_OK):
        return "/dev/uinput is missing or not writable, so keys cannot be typed"
    return None


def import_keyboard() -> Any:
    """Import the ``keyboard`` package.

    Raises:
        BackendUnavailableError: It is not installed or refuses to load.
    """
    try:
        import keyboard
    except ImportError as exc:
        raise BackendUnavailableError(f"the keyboard package cannot load: {exc}") from exc
    return keyboard


class KeyboardHotkey:
    """Global hotkey through ``keyboard.add_hotkey``. Build it on the GUI thread."""

    name = "keyboard"

    def __init__(self, module: Any) -> None:
        self._keyboard = module
        self._relay = CallbackRelay()
        self._handle: Any = None

    @classmethod
    def create(cls, env: Mapping[str, str]) -> KeyboardHotkey:
        """Check the package can run here and load it.

        Raises:
            BackendUnavailableError: With the reason from :func:`keyboard_problem`.
        """
        problem = keyboard_problem()
        if problem is not None:
            raise BackendUnavailableError(problem)
        return cls(import_keyboard())

    def register(self, sequence: str, callback: Callable[[], None]) -> None:
        """Hook ``sequence``; presses reach ``callback`` on the GUI thread.

        Raises:
            HotkeyError: The sequence is invalid or the package rejects it.
        """
        validate_sequence(sequence)
        text = parse_hotkey(sequence).keyboard_text()
        self.unregister()
        try:
            self._handle = self._keyboard.add_hotkey(text, self._relay.fire)
        except (ValueError, ImportError, OSError) as exc:
            raise HotkeyError(
                f"hotkey {sequence!r}: the keyboard package refused it: {exc}"
            ) from exc
        self._relay.callback = callback
        log.info("hotkey %s hooked through the keyboard package", sequence)

    def unregister(self) -> None:
        """Remove the hook."""
        handle, self._handle = self._handle, None
        self._relay.callback = None
        if handle is not None:
            try:
                self._keyboard.remove_hotkey(handle)
            except (KeyError, ValueError):
                log.debug("hotkey hook was already gone")

    def close(self) -> None:
        """Remove the hook."""
        self.unregister()
