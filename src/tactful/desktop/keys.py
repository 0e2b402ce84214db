"""Key combinations: Qt's portable text parsed once, spelled for each backend.

Settings store a hotkey the way Qt writes it (``"Ctrl+Alt+Space"``,
``QKeySequence.PortableText``). :func:`parse_key_combo` turns that text into a
:class:`KeyCombo`, which can spell itself for X11 (keysym names), for the
``keyboard`` package (``"ctrl+alt+space"``) and for the XDG shortcuts
specification used by the GlobalShortcuts portal (``"CTRL+ALT+space"``).
Paste keys in settings (``"ctrl+shift+v"``, ``"shift+insert"``) go through
:func:`parse_key_combo` too; it accepts either case.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from tactful.core.errors import TactfulError

MODIFIER_ORDER = ("ctrl", "alt", "shift", "meta")
"""Canonical modifier names, in the order Qt writes them."""

_MODIFIER_ALIASES = {
    "ctrl": "ctrl",
    "control": "ctrl",
    "alt": "alt",
    "shift": "shift",
    "meta": "meta",
    "super": "meta",
    "win": "meta",
    "windows": "meta",
    "logo": "meta",
    "cmd": "meta",
}

# Qt portable name -> (X11 keysym name, keyboard-package name). Letters, digits,
# punctuation and F1..F35 are handled by rule in _named_key().
_NAMED_KEYS: dict[str, tuple[str, str]] = {
    "Space": ("space", "space"),
    "Esc": ("Escape", "esc"),
    "Tab": ("Tab", "tab"),
    "Backspace": ("BackSpace", "backspace"),
    "Return": ("Return", "enter"),
    "Enter": ("KP_Enter", "enter"),
    "Ins": ("Insert", "insert"),
    "Del": ("Delete", "delete"),
    "Pause": ("Pause", "pause"),
    "Print": ("Print", "print screen"),
    "Home": ("Home", "home"),
    "End": ("End", "end"),
    "Left": ("Left", "left"),
    "Up": ("Up", "up"),
    "Right": ("Right", "right"),
    "Down": ("Down", "down"),
    "PgUp": ("Prior", "page up"),
    "PgDown": ("Next", "page down"),
    "Menu": ("Menu", "menu"),
}

_KEY_ALIASES = {
    "escape": "Esc",
    "insert": "Ins",
    "delete": "Del",
    "pageup": "PgUp",
    "pagedown": "PgDown",
    "prior": "PgUp",
    "next": "PgDown",
    "printscreen": "Print",
}

# X11 keysym names of the punctuation keys (the keysym value equals the code
# point for Latin-1, but portal triggers need the name).
_PUNCTUATION_NAMES = {
    "`": "grave",
    "-": "minus",
    "=": "equal",
    "[": "bracketleft",
    "]": "bracketright",
    "\\": "backslash",
    ";": "semicolon",
    "'": "apostrophe",
    ",": "comma",
    ".": "period",
    "/": "slash",
    "+": "plus",
}


class KeyComboError(TactfulError):
    """A key combination cannot be understood."""


@dataclass(frozen=True, slots=True)
class KeyCombo:
    """A set of modifiers and one key.

    Attributes:
        modifiers: Canonical modifier names, a subset of :data:`MODIFIER_ORDER`.
        key: The key in Qt's portable spelling: ``"Space"``, ``"V"``, ``"F12"``, ``","``.
    """

    modifiers: frozenset[str]
    key: str

    def _ordered(self) -> list[str]:
        return [m for m in MODIFIER_ORDER if m in self.modifiers]

    def qt_text(self) -> str:
        """Qt's portable text, such as ``"Ctrl+Alt+Space"``."""
        return "+".join([m.capitalize() for m in self._ordered()] + [self.key])

    def keyboard_text(self) -> str:
        """The ``keyboard`` package's spelling, such as ``"ctrl+alt+space"``."""
        names = {"meta": "windows"}
        mods = [names.get(m, m) for m in self._ordered()]
        key = _NAMED_KEYS[self.key][1] if self.key in _NAMED_KEYS else self.key.lower()
        if key == "+":
            key = "plus"
        return "+".join([*mods, key])

    def x11_keysym_name(self) -> str:
        """The X11 keysym name of the key, such as ``"space"`` or ``"v"``."""
        if self.key in _NAMED_KEYS:
            return _NAMED_KEYS[self.key][0]
        if self.key in _PUNCTUATION_NAMES:
            return _PUNCTUATION_NAMES[self.key]
        if len(self.key) == 1:
            return self.key.lower()
        return self.key  # F1..F35 have the same name in X11

    def portal_trigger(self) -> str:
        """The XDG shortcuts-spec spelling, such as ``"CTRL+ALT+space"``."""
        names = {"ctrl": "CTRL", "alt": "ALT", "shift": "SHIFT", "meta": "LOGO"}
        return "+".join([names[m] for m in self._ordered()] + [self.x11_keysym_name()])


def _named_key(text: str, where: str) -> str:
    """Return the canonical Qt name of the key ``text``."""
    if len(text) == 1:
        if text in string.ascii_letters or text in string.digits:
            return text.upper()
        if text in _PUNCTUATION_NAMES:
            return text
        raise KeyComboError(f"{where}: {text!r} is not a key a hotkey can use")
    for name in _NAMED_KEYS:
        if name.lower() == text.lower():
            return name
    alias = _KEY_ALIASES.get(text.lower().replace(" ", "").replace("_", ""))
    if alias is not None:
        return alias
    upper = text.upper()
    if upper.startswith("F") and upper[1:].isdigit() and 1 <= int(upper[1:]) <= 35:
        return upper
    raise KeyComboError(f"{where}: unknown key {text!r} (try Space, F1..F35, a letter or a digit)")


def parse_key_combo(text: str, *, what: str = "key combination") -> KeyCombo:
    """Parse ``"Ctrl+Alt+Space"``, ``"ctrl+shift+v"`` or ``"Ctrl++"``.

    Args:
        text: Modifiers and one key joined by ``+``, in any case.
        what: Names the setting in error messages, such as ``"hotkey"``.

    Raises:
        KeyComboError: The text is empty, names an unknown modifier or key,
            repeats a modifier or has more than one key.
    """
    where = f"{what} {text!r}"
    stripped = text.strip()
    if not stripped:
        raise KeyComboError(f"{what} is empty")
    if stripped == "+":
        parts = ["+"]
    elif stripped.endswith("++"):
        parts = [*stripped[:-2].split("+"), "+"]
    else:
        parts = stripped.split("+")
    parts = [p.strip() for p in parts]
    if any(p == "" for p in parts):
        raise KeyComboError(f"{where}: an empty part between '+' signs")
    *mod_parts, key_part = parts
    modifiers: set[str] = set()
    for part in mod_parts:
        canonical = _MODIFIER_ALIASES.get(part.lower())
        if canonical is None:
            raise KeyComboError(
                f"{where}: {part!r} is not a modifier (use Ctrl, Alt, Shift or Meta); "
                f"only the last part is the key"
            )
        if canonical in modifiers:
            raise KeyComboError(f"{where}: {part!r} appears twice")
        modifiers.add(canonical)
    if key_part.lower() in _MODIFIER_ALIASES:
        raise KeyComboError(f"{where}: ends with the modifier {key_part!r}; add a key after it")
    return KeyCombo(frozenset(modifiers), _named_key(key_part, where))


def parse_hotkey(text: str) -> KeyCombo:
    """Parse a global hotkey; a letter, digit or punctuation key needs Ctrl, Alt or Meta.

    Raises:
        KeyComboError: As :func:`parse_key_combo`, or the combination would
            swallow ordinary typing (``"Shift+A"``, ``"Q"``).
    """
    combo = parse_key_combo(text, what="hotkey")
    typing_key = len(combo.key) == 1 or combo.key == "Space"
    if typing_key and not combo.modifiers & {"ctrl", "alt", "meta"}:
        raise KeyComboError(
            f"hotkey {text!r}: {combo.key!r} needs Ctrl, Alt or Meta, "
            f"or every program would lose that key"
        )
    return combo
