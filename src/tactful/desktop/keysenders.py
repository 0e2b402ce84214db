"""Key senders: typing the paste keystroke into whatever window has the focus.

* :class:`XTestKeySender` fakes key presses with the X11 XTEST extension
  through python-xlib, and reads the keyboard state with ``QueryKeymap``;
* :class:`KeyboardKeySender` uses the ``keyboard`` package (Windows, or Linux
  when already running as root with ``/dev/uinput``).

Both implement :class:`tactful.desktop.paste.KeySender`;
:func:`tactful.desktop.paste.select_paste_backend` chooses between them.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from tactful.desktop import x11
from tactful.desktop.hotkey import BackendUnavailableError
from tactful.desktop.hotkey_keyboard import import_keyboard, keyboard_problem
from tactful.desktop.keys import KeyCombo, KeyComboError, parse_key_combo
from tactful.desktop.paste import PasteError, SenderUnavailableError

log = logging.getLogger(__name__)

_MODIFIER_KEYSYMS = {
    "ctrl": ("Control_L", "Control_R"),
    "alt": ("Alt_L", "Alt_R"),
    "shift": ("Shift_L", "Shift_R"),
    "meta": ("Super_L", "Super_R"),
}


def _parse(keys: str) -> KeyCombo:
    try:
        return parse_key_combo(keys, what="paste keys")
    except KeyComboError as exc:
        raise PasteError(str(exc)) from exc


class XTestKeySender:
    """Sends keys with XTEST on its own X connection (GUI thread only)."""

    name = "xtest"

    def __init__(self, display: str | None = None) -> None:
        self._conn = x11.open_display(display)
        if not self._conn.has_extension("XTEST"):
            self._conn.close()
            raise x11.X11UnavailableError("the X server has no XTEST extension")
        self._held_codes = self._modifier_keycodes()

    @classmethod
    def create(cls, env: Mapping[str, str]) -> XTestKeySender:
        """Connect to ``env["DISPLAY"]`` and check for XTEST.

        Raises:
            SenderUnavailableError: No display, no python-xlib, or no XTEST.
        """
        try:
            return cls(x11.display_from_env(env))
        except x11.X11UnavailableError as exc:
            raise SenderUnavailableError(str(exc)) from exc

    def _modifier_keycodes(self) -> list[int]:
        """Keycodes of Ctrl, Alt, Shift and Super in the server's modifier map."""
        from Xlib import X

        masks = x11.modifier_masks(self._conn)
        wanted = {masks.ctrl, masks.alt, masks.shift, masks.meta}
        order = [X.ShiftMask, X.LockMask, X.ControlMask, X.Mod1Mask]
        order += [X.Mod2Mask, X.Mod3Mask, X.Mod4Mask, X.Mod5Mask]
        codes: list[int] = []
        for mask, keycodes in zip(order, self._conn.get_modifier_mapping(), strict=True):
            if mask in wanted:
                codes += [int(c) for c in keycodes if c]
        return codes

    def modifiers_down(self) -> bool:
        """Whether any Ctrl, Alt, Shift or Super key is physically down (``QueryKeymap``)."""
        keymap = self._conn.query_keymap()
        return any(keymap[code // 8] & (1 << (code % 8)) for code in self._held_codes)

    def _keycode(self, keysym_name: str, what: str) -> int:
        code = x11.keycode_for(self._conn, keysym_name)
        if code == 0:
            raise PasteError(f"paste keys: no key on this keyboard types {what!r}")
        return code

    def send_paste(self, keys: str) -> None:
        """Press the modifiers, tap the key, release the modifiers, and sync.

        Raises:
            PasteError: The keys do not parse or the keyboard has no such key.
        """
        from Xlib import X
        from Xlib.ext import xtest

        combo = _parse(keys)
        mods = [m for m in ("ctrl", "alt", "shift", "meta") if m in combo.modifiers]
        mod_codes = [self._keycode(_MODIFIER_KEYSYMS[m][0], m) for m in mods]
        key_code = self._keycode(combo.x11_keysym_name(), combo.key)
        for code in mod_codes:
            xtest.fake_input(self._conn, X.KeyPress, code)
        xtest.fake_input(self._conn, X.KeyPress, key_code)
        xtest.fake_input(self._conn, X.KeyRelease, key_code)
        for code in reversed(mod_codes):
            xtest.fake_input(self._conn, X.KeyRelease, code)
        self._conn.sync()
        log.debug("sent %s with XTEST", keys)

    def close(self) -> None:
        """Close the X connection."""
        self._conn.close()


class KeyboardKeySender:
    """Sends keys with the ``keyboard`` package."""

    name = "keyboard"

    def __init__(self, module: Any) -> None:
        self._keyboard = module

    @classmethod
    def create(cls, env: Mapping[str, str]) -> KeyboardKeySender:
        """Check the package can type keys here and load it.

        Raises:
            SenderUnavailableError: With the reason from :func:`keyboard_problem`.
        """
        problem = keyboard_problem(for_sending=True)
        if problem is not None:
            raise SenderUnavailableError(problem)
        try:
            return cls(import_keyboard())
        except BackendUnavailableError as exc:
            raise SenderUnavailableError(str(exc)) from exc

    def modifiers_down(self) -> bool:
        """Whether the package sees Ctrl, Alt, Shift or Windows held down."""
        names = ("ctrl", "alt", "shift", "windows")
        try:
            return any(self._keyboard.is_pressed(n) for n in names)
        except (ValueError, OSError):
            return False

    def send_paste(self, keys: str) -> None:
        """Press and release ``keys``.

        Raises:
            PasteError: The keys do not parse or the package cannot send them.
        """
        combo = _parse(keys)
        try:
            self._keyboard.send(combo.keyboard_text())
        except (ValueError, OSError, ImportError) as exc:
            raise PasteError(f"paste keys {keys!r} could not be sent: {exc}") from exc
