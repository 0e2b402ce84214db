"""The active window: remember which window the agent was in, and give focus back to it.

Before the popup shows, the ui asks :meth:`ActiveWindowBackend.current` for a
:class:`WindowRef`; after the agent picks a reply, the paste sequence calls
:meth:`ActiveWindowBackend.activate` with it, and chooses the paste keys by its
window class. Backends: X11 through EWMH properties with python-xlib
(:class:`X11ActiveWindow`), Windows through ``user32`` (:class:`WindowsActiveWindow`),
and :class:`NullActiveWindow` elsewhere. Tests use :class:`FakeActiveWindow`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from tactful.desktop import x11

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class WindowRef:
    """A top-level window of another program.

    Attributes:
        id: The X11 window id or the Windows ``HWND``.
        wm_class: The window class (X11 ``WM_CLASS`` class part, Windows
            class name); ``""`` when unknown. Paste keys are chosen by it.
        title: The window title, for messages; ``""`` when unknown.
        pid: The owning process id, when the system says.
    """

    id: int
    wm_class: str
    title: str
    pid: int | None = None


@runtime_checkable
class ActiveWindowBackend(Protocol):
    """Finds the focused top-level window and gives focus back to one."""

    def current(self) -> WindowRef | None:
        """The window that has the focus now, or ``None`` when it cannot be told."""
        ...

    def activate(self, ref: WindowRef) -> bool:
        """Raise and focus ``ref``; ``False`` when the window is gone or refused."""
        ...


class NullActiveWindow:
    """For platforms where windows cannot be inspected: knows nothing, activates nothing."""

    name = "none"

    def current(self) -> WindowRef | None:
        """Always ``None``."""
        return None

    def activate(self, ref: WindowRef) -> bool:
        """Always ``False``: focus returns by itself when the popup hides."""
        return False


class FakeActiveWindow:
    """A desktop of pretend windows for tests.

    Attributes:
        windows: The windows that exist, by id.
        active: The focused window, or ``None``.
        activations: Every window :meth:`activate` was asked for, in order.
        refuse: When true, :meth:`activate` fails like a focus-stealing guard would.
    """

    name = "fake"

    def __init__(self, *windows: WindowRef, active: WindowRef | None = None) -> None:
        self.windows = {w.id: w for w in windows}
        if active is not None:
            self.windows[active.id] = active
        self.active = active
        self.activations: list[WindowRef] = []
        self.refuse = False

    def current(self) -> WindowRef | None:
        """The focused pretend window."""
        return self.active

    def activate(self, ref: WindowRef) -> bool:
        """Focus ``ref`` if it exists and refusal is off."""
        self.activations.append(ref)
        if self.refuse or ref.id not in self.windows:
            return False
        self.active = self.windows[ref.id]
        return True

    def focus(self, ref: WindowRef) -> None:
        """Play the user clicking into ``ref`` (adding it if new)."""
        self.windows[ref.id] = ref
        self.active = ref


def select_active_window_backend(
    env: Mapping[str, str] | None = None, *, platform: str | None = None
) -> ActiveWindowBackend:
    """The backend for this session; :class:`NullActiveWindow` when none works.

    Args:
        env: The environment (``DISPLAY``); ``os.environ`` when ``None``.
        platform: ``sys.platform`` when ``None``.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    if platform == "win32":
        return WindowsActiveWindow()
    display = env.get("DISPLAY")
    if display and platform.startswith("linux"):
        try:
            return X11ActiveWindow(display)
        except x11.X11UnavailableError as exc:
            log.info("active window: X11 not usable: %s", exc)
    return NullActiveWindow()


class X11ActiveWindow:
    """EWMH ``_NET_ACTIVE_WINDOW`` with python-xlib, on its own X connection.

    Activation sends a ``_NET_ACTIVE_WINDOW`` client message with source
    indication 2 (a pager: the user asked for it), which window managers honour
    without focus-stealing prevention, then falls back to ``XSetInputFocus``
    when the window manager does not react.
    """

    name = "x11"

    def __init__(self, display: str | None = None) -> None:
        self._conn = x11.open_display(display)

    def current(self) -> WindowRef | None:
        """Read ``_NET_ACTIVE_WINDOW`` (or the input focus without an EWMH window manager)."""
        return x11.active_window(self._conn)

    def activate(self, ref: WindowRef) -> bool:
        """Ask the window manager to focus ``ref``; fall back to ``XSetInputFocus``."""
        return x11.activate_window(self._conn, ref.id)

    def close(self) -> None:
        """Close the X connection."""
        self._conn.close()


class WindowsActiveWindow:
    """``GetForegroundWindow`` / ``SetForegroundWindow`` through ctypes."""

    name = "win32"

    def current(self) -> WindowRef | None:
        """The foreground window with its class name, title and process id."""
        if sys.platform != "win32":
            return None
        import ctypes
        from ctypes import wintypes

        user32 = ctypes.windll.user32
        hwnd = user32.GetForegroundWindow()
        if not hwnd:
            return None
        cls = ctypes.create_unicode_buffer(256)
        user32.GetClassNameW(hwnd, cls, 256)
        length = user32.GetWindowTextLengthW(hwnd)
        title = ctypes.create_unicode_buffer(length + 1)
        user32.GetWindowTextW(hwnd, title, length + 1)
        pid = wintypes.DWORD()
        user32.GetWindowThreadProcessId(hwnd, ctypes.byref(pid))
        return WindowRef(int(hwnd), cls.value, title.value, int(pid.value) or None)

    def activate(self, ref: WindowRef) -> bool:
        """Restore the window if minimised and bring it to the foreground."""
        if sys.platform != "win32":
            return False
        import ctypes

        user32 = ctypes.windll.user32
        if not user32.IsWindow(ref.id):
            return False
        sw_restore = 9
        if user32.IsIconic(ref.id):
            user32.ShowWindow(ref.id, sw_restore)
        return bool(user32.SetForegroundWindow(ref.id))
