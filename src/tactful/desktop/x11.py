"""Shared X11 plumbing for the desktop backends, through python-xlib.

Opening a connection, reading the modifier map (which ``ModN`` bit is Alt,
Super, NumLock or ScrollLock on this server), the EWMH active window and
activating a window. ``Xlib`` is imported inside the functions so that this
module imports on machines without X (Windows, macOS, headless CI).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tactful.core.errors import TactfulError

if TYPE_CHECKING:
    from tactful.desktop.activewindow import WindowRef

Display = Any
"""An ``Xlib.display.Display`` (python-xlib ships no type information)."""

# EWMH source indication "pager": the request comes from the user, so the
# window manager's focus-stealing prevention lets it through.
SOURCE_PAGER = 2

X11_SOCKET_DIR = "/tmp/.X11-unix"


class X11UnavailableError(TactfulError):
    """No X server can be reached, or python-xlib is missing."""


def _check_local_socket(name: str) -> None:
    """Fail early for a local display without a socket.

    python-xlib would then try TCP and leave its sockets open; checking the
    socket file first gives a clearer message and leaks nothing.
    """
    match = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", name)
    if match is None:
        return
    path = Path(X11_SOCKET_DIR) / f"X{match.group(1)}"
    if not path.exists():
        raise X11UnavailableError(f"no X server on display {name!r} (no socket {path})")


def open_display(name: str | None = None) -> Display:
    """Open a new connection to the X server ``name`` (``$DISPLAY`` when ``None``).

    Raises:
        X11UnavailableError: python-xlib is not installed or the server refused.
    """
    try:
        from Xlib import display, error
    except ImportError as exc:
        raise X11UnavailableError(f"python-xlib is not installed ({exc})") from exc
    _check_local_socket(name if name is not None else os.environ.get("DISPLAY", ""))
    try:
        return display.Display(name)
    except (error.DisplayError, error.ConnectionClosedError, OSError) as exc:
        raise X11UnavailableError(f"cannot open X display {name or '$DISPLAY'!r}: {exc}") from exc


def display_from_env(env: Mapping[str, str]) -> str:
    """The X display a backend built from ``env`` connects to: ``env["DISPLAY"]``.

    Raises:
        X11UnavailableError: ``DISPLAY`` is not set.
    """
    display = env.get("DISPLAY")
    if not display:
        raise X11UnavailableError("no X display: DISPLAY is not set")
    return display


@dataclass(frozen=True, slots=True)
class ModifierMasks:
    """The X modifier bits of this server's keyboard.

    Attributes:
        ctrl, alt, shift, meta: Masks of the four modifiers a hotkey can use.
        lock_variants: Every combination of CapsLock, NumLock and ScrollLock
            bits; a grab is made once per variant so it works with any lock on.
    """

    ctrl: int
    alt: int
    shift: int
    meta: int
    lock_variants: tuple[int, ...]

    def mask_for(self, modifiers: frozenset[str]) -> int:
        """The OR of the masks of ``modifiers`` (names as in :mod:`tactful.desktop.keys`)."""
        mask = 0
        for name in modifiers:
            mask |= getattr(self, name)
        return mask

    @property
    def relevant(self) -> int:
        """Bits that tell hotkeys apart: everything except the lock bits."""
        return self.ctrl | self.alt | self.shift | self.meta


def modifier_masks(conn: Display) -> ModifierMasks:
    """Read the server's modifier map to find Alt, Super, NumLock and ScrollLock."""
    from Xlib import XK, X

    index_masks = [
        X.ShiftMask,
        X.LockMask,
        X.ControlMask,
        X.Mod1Mask,
        X.Mod2Mask,
        X.Mod3Mask,
        X.Mod4Mask,
        X.Mod5Mask,
    ]
    mapping = conn.get_modifier_mapping()

    def mask_of(*keysym_names: str) -> int:
        codes = {conn.keysym_to_keycode(XK.string_to_keysym(n)) for n in keysym_names} - {0}
        for index, keycodes in enumerate(mapping):
            if codes & set(keycodes):
                return int(index_masks[index])
        return 0

    alt = mask_of("Alt_L", "Alt_R", "Meta_L") or X.Mod1Mask
    meta = mask_of("Super_L", "Super_R", "Hyper_L") or X.Mod4Mask
    num = mask_of("Num_Lock")
    scroll = mask_of("Scroll_Lock")
    locks = [X.LockMask, num, scroll]
    variants: set[int] = set()
    for combo in range(8):
        mask = 0
        for bit, lock in enumerate(locks):
            if combo & (1 << bit):
                mask |= lock
        variants.add(mask)
    return ModifierMasks(
        ctrl=X.ControlMask,
        alt=alt,
        shift=X.ShiftMask,
        meta=meta,
        lock_variants=tuple(sorted(variants)),
    )


def keycode_for(conn: Display, keysym_name: str) -> int:
    """The keycode of a keysym name such as ``"space"``; 0 when no key produces it."""
    from Xlib import XK

    keysym = XK.string_to_keysym(keysym_name)
    if keysym == 0 and len(keysym_name) == 1:
        keysym = ord(keysym_name)
    return int(conn.keysym_to_keycode(keysym)) if keysym else 0


def _atom(conn: Display, name: str) -> int:
    return int(conn.intern_atom(name))


def _window_ref(conn: Display, wid: int) -> WindowRef | None:
    from Xlib import X, error

    from tactful.desktop.activewindow import WindowRef

    win = conn.create_resource_object("window", wid)
    try:
        wm_class = win.get_wm_class()
        name_prop = win.get_full_property(
            _atom(conn, "_NET_WM_NAME"), _atom(conn, "UTF8_STRING"), sizehint=256
        )
        if name_prop is not None:
            value = name_prop.value
            title = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        else:
            legacy = win.get_wm_name()
            title = legacy.decode("latin-1") if isinstance(legacy, bytes) else (legacy or "")
        pid_prop = win.get_full_property(_atom(conn, "_NET_WM_PID"), X.AnyPropertyType)
    except (error.BadWindow, error.BadDrawable, error.BadMatch):
        return None
    pid = int(pid_prop.value[0]) if pid_prop is not None and len(pid_prop.value) else None
    klass = wm_class[1] if wm_class else ""
    return WindowRef(id=wid, wm_class=klass, title=title, pid=pid)


def _top_level(conn: Display, wid: int) -> int:
    """Climb from a focused child window to the top-level window under the root."""
    from Xlib import error

    root = conn.screen().root.id
    current = wid
    with contextlib.suppress(error.BadWindow):
        while True:
            tree = conn.create_resource_object("window", current).query_tree()
            if tree.parent is None or tree.parent.id in (0, root):
                return current
            current = tree.parent.id
    return current


def active_window(conn: Display) -> WindowRef | None:
    """The focused top-level window: ``_NET_ACTIVE_WINDOW``, else the input focus."""
    from Xlib import X

    root = conn.screen().root
    prop = root.get_full_property(_atom(conn, "_NET_ACTIVE_WINDOW"), X.AnyPropertyType)
    wid = int(prop.value[0]) if prop is not None and len(prop.value) else 0
    if not wid:
        focus = conn.get_input_focus().focus
        if isinstance(focus, int) or focus is None:  # X.NONE or X.PointerRoot
            return None
        if focus.id == root.id:
            return None
        wid = _top_level(conn, focus.id)
    return _window_ref(conn, wid)


def _wm_supports_active(conn: Display) -> bool:
    from Xlib import X

    root = conn.screen().root
    check = root.get_full_property(_atom(conn, "_NET_SUPPORTING_WM_CHECK"), X.AnyPropertyType)
    if check is None or not len(check.value):
        return False
    supported = root.get_full_property(_atom(conn, "_NET_SUPPORTED"), X.AnyPropertyType)
    return supported is not None and _atom(conn, "_NET_ACTIVE_WINDOW") in list(supported.value)


def activate_window(conn: Display, wid: int) -> bool:
    """Ask the window manager to focus ``wid`` (source "pager"), else set the focus directly.

    Returns:
        ``False`` when the window no longer exists or the focus request failed.
    """
    from Xlib import X, error
    from Xlib.protocol import event

    win = conn.create_resource_object("window", wid)
    try:
        attrs = win.get_attributes()
    except (error.BadWindow, error.BadDrawable):
        return False
    if attrs.map_state != X.IsViewable and not _wm_supports_active(conn):
        win.map()
    if _wm_supports_active(conn):
        message = event.ClientMessage(
            window=win,
            client_type=_atom(conn, "_NET_ACTIVE_WINDOW"),
            data=(32, [SOURCE_PAGER, X.CurrentTime, 0, 0, 0]),
        )
        mask = X.SubstructureRedirectMask | X.SubstructureNotifyMask
        conn.screen().root.send_event(message, event_mask=mask)
        conn.flush()
        return True
    catcher = error.CatchError(error.BadWindow, error.BadMatch, error.BadValue)
    win.configure(stack_mode=X.Above, onerror=catcher)
    win.set_input_focus(X.RevertToParent, X.CurrentTime, onerror=catcher)
    conn.sync()
    return catcher.get_error() is None
