"""The X11 global hotkey: ``XGrabKey`` on the root window through python-xlib.

The key is grabbed once per combination of CapsLock, NumLock and ScrollLock,
so it works whichever lock is on. A grab another client already holds makes
the server answer ``BadAccess``; an error handler catches it after a sync and
:meth:`X11Hotkey.register` raises :class:`~tactful.desktop.hotkey.HotkeyError`.

The grab lives on a connection of its own, read by a daemon thread that waits
with ``select`` on the X socket and a wake-up pipe. On a press the thread emits
a Qt signal; a queued connection delivers it on the GUI thread. The GUI thread
touches the connection only while the reader thread is stopped (register,
unregister, close), so python-xlib is never used from two threads at once.
"""

from __future__ import annotations

import logging
import os
import select
import threading
from collections.abc import Callable, Mapping

from tactful.desktop import x11
from tactful.desktop.hotkey import BackendUnavailableError, HotkeyError, validate_sequence
from tactful.desktop.keys import parse_hotkey
from tactful.desktop.relay import CallbackRelay

log = logging.getLogger(__name__)


class _Grab:
    """One registered key: its keycode, modifier mask and lock variants."""

    def __init__(self, keycode: int, mask: int, relevant: int, variants: tuple[int, ...]) -> None:
        self.keycode = keycode
        self.mask = mask
        self.relevant = relevant
        self.variants = variants


class X11Hotkey:
    """Global hotkey for X11 sessions. Build it on the GUI thread."""

    name = "x11"

    def __init__(self, display: str | None = None) -> None:
        self._conn = x11.open_display(display)
        self._relay = CallbackRelay()
        self._grab: _Grab | None = None
        self._thread: threading.Thread | None = None
        self._wake_w: int | None = None

    @classmethod
    def create(cls, env: Mapping[str, str]) -> X11Hotkey:
        """Connect to ``env["DISPLAY"]``.

        Raises:
            BackendUnavailableError: No ``DISPLAY``, no python-xlib, or the server refused.
        """
        try:
            return cls(x11.display_from_env(env))
        except x11.X11UnavailableError as exc:
            raise BackendUnavailableError(str(exc)) from exc

    def register(self, sequence: str, callback: Callable[[], None]) -> None:
        """Grab ``sequence`` on the root window (all lock variants) and start listening.

        Raises:
            HotkeyError: The sequence is invalid, no key produces it, or another
                X client already grabbed it (``BadAccess``).
        """
        from Xlib import X, error

        validate_sequence(sequence)
        combo = parse_hotkey(sequence)
        self.unregister()
        keycode = x11.keycode_for(self._conn, combo.x11_keysym_name())
        if keycode == 0:
            raise HotkeyError(f"hotkey {sequence!r}: no key on this keyboard types {combo.key!r}")
        masks = x11.modifier_masks(self._conn)
        mask = masks.mask_for(combo.modifiers)
        root = self._conn.screen().root
        catcher = error.CatchError(error.BadAccess, error.BadValue)
        for lock in masks.lock_variants:
            root.grab_key(keycode, mask | lock, True, X.GrabModeAsync, X.GrabModeAsync, catcher)
        self._conn.sync()
        failure = catcher.get_error()
        if failure is not None:
            for lock in masks.lock_variants:
                root.ungrab_key(keycode, mask | lock)
            self._conn.sync()
            if isinstance(failure, error.BadAccess):
                raise HotkeyError(
                    f"hotkey {sequence!r} is already taken by another program; "
                    f"choose another one in Settings"
                )
            raise HotkeyError(f"hotkey {sequence!r} was refused by the X server: {failure}")
        self._grab = _Grab(keycode, mask, masks.relevant, masks.lock_variants)
        self._relay.callback = callback
        self._start_reader()
        log.info("hotkey %s grabbed (keycode %d, mask %#x)", sequence, keycode, mask)

    def unregister(self) -> None:
        """Stop the reader thread and release the grab."""
        self._stop_reader()
        self._relay.callback = None
        grab, self._grab = self._grab, None
        if grab is None:
            return
        root = self._conn.screen().root
        for lock in grab.variants:
            root.ungrab_key(grab.keycode, grab.mask | lock)
        self._conn.sync()

    def close(self) -> None:
        """Release the grab and close the connection."""
        if self._conn is None:
            return
        try:
            self.unregister()
        finally:
            self._conn.close()
            self._conn = None

    def _start_reader(self) -> None:
        assert self._grab is not None
        wake_r, wake_w = os.pipe()
        self._wake_w = wake_w
        self._thread = threading.Thread(
            target=self._read_events,
            args=(wake_r, self._grab),
            name="tactful-x11-hotkey",
            daemon=True,
        )
        self._thread.start()

    def _stop_reader(self) -> None:
        thread, wake_w = self._thread, self._wake_w
        self._thread = self._wake_w = None
        if thread is None or wake_w is None:
            return
        os.write(wake_w, b"x")
        thread.join(timeout=2)
        os.close(wake_w)
        if thread.is_alive():
            log.warning("the X11 hotkey reader did not stop in time")

    def _read_events(self, wake_r: int, grab: _Grab) -> None:
        """Reader thread: emit ``pressed`` for each non-repeated press of the key."""
        from Xlib import X

        last_release = -1
        try:
            fd = self._conn.fileno()
            while True:
                while self._conn.pending_events():
                    event = self._conn.next_event()
                    if event.type not in (X.KeyPress, X.KeyRelease):
                        continue
                    if event.detail != grab.keycode or event.state & grab.relevant != grab.mask:
                        continue
                    if event.type == X.KeyRelease:
                        last_release = event.time
                    elif event.time != last_release:  # same time as a release: autorepeat
                        self._relay.fire()
                ready, _, _ = select.select([fd, wake_r], [], [])
                if wake_r in ready:
                    return
        except Exception:
            log.exception("the X11 hotkey reader stopped")
        finally:
            os.close(wake_r)
