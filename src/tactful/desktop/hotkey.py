"""The global hotkey: one protocol, a backend per desktop, and the choice between them.

A :class:`HotkeyBackend` grabs one key combination for the whole desktop and
calls a callback on the Qt GUI thread whenever it is pressed. The backends:

* ``x11``: ``XGrabKey`` on the root window through python-xlib
  (:mod:`tactful.desktop.hotkey_x11`);
* ``portal``: the xdg-desktop-portal ``GlobalShortcuts`` interface over D-Bus
  (jeepney), for Wayland desktops that offer it; binding finishes later, and a
  refusal reaches :attr:`LateBinding.on_failure` (:mod:`tactful.desktop.hotkey_portal`);
* ``keyboard``: the ``keyboard`` package, on Windows, and on Linux only where
  it can read the input devices without asking for root
  (:mod:`tactful.desktop.hotkey_keyboard`);
* ``none``: :class:`NullHotkey`, which grabs nothing; the user binds
  ``tactful toggle`` to a shortcut in the desktop's own settings.

:func:`select_hotkey_backend` tries them in the order that suits the session
and returns the first that works, with the reason every other one was passed
over, for the log and the settings window. Tests use :class:`FakeHotkey`, and
:class:`FakeLateHotkey` for a backend that binds later, like the portal.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from tactful.core.errors import TactfulError
from tactful.desktop.keys import KeyComboError, parse_hotkey
from tactful.desktop.selection import pick

log = logging.getLogger(__name__)

DEFAULT_HOTKEY = "Ctrl+Alt+Space"
"""The default global hotkey, in Qt's portable text."""

NULL_HOTKEY_HINT = (
    "No global hotkey on this desktop: bind the command `tactful toggle` to a "
    "shortcut in your desktop's keyboard settings."
)


class HotkeyError(TactfulError):
    """The hotkey cannot be registered: the text is invalid or another program holds it."""


class BackendUnavailableError(TactfulError):
    """A backend cannot run here; the message says why, for the settings window."""


@runtime_checkable
class HotkeyBackend(Protocol):
    """A global hotkey service.

    Attributes:
        name: Short backend name shown in settings: ``x11``, ``portal``,
            ``keyboard``, ``none`` or ``fake``.
    """

    name: str

    def register(self, sequence: str, callback: Callable[[], None]) -> None:
        """Grab ``sequence`` (Qt portable text) and call ``callback`` on each press.

        A second call replaces the first grab. The callback always runs on the
        Qt GUI thread.

        Raises:
            HotkeyError: The sequence is invalid, or another program holds it.
        """
        ...

    def unregister(self) -> None:
        """Release the grab; pressing the keys no longer calls back. Safe to repeat."""
        ...

    def close(self) -> None:
        """Release the grab and every resource (threads, connections). Safe to repeat."""
        ...


def validate_sequence(sequence: str) -> None:
    """Raise :class:`HotkeyError` when ``sequence`` cannot be a global hotkey."""
    try:
        parse_hotkey(sequence)
    except KeyComboError as exc:
        raise HotkeyError(str(exc)) from exc


class NullHotkey:
    """The backend that grabs nothing: ``tactful toggle`` opens the popup instead.

    Attributes:
        hint: What the user should do, for the settings window and first start.
    """

    name = "none"

    def __init__(self, hint: str = NULL_HOTKEY_HINT) -> None:
        self.hint = hint
        self.sequence: str | None = None

    def register(self, sequence: str, callback: Callable[[], None]) -> None:
        """Check the sequence and remember it; nothing will ever call back."""
        validate_sequence(sequence)
        self.sequence = sequence

    def unregister(self) -> None:
        """Forget the sequence."""
        self.sequence = None

    def close(self) -> None:
        """Forget the sequence."""
        self.sequence = None


class FakeHotkey:
    """A hotkey for tests: :meth:`trigger` plays the user pressing the keys.

    Attributes:
        taken: Sequences another program "holds"; registering one raises
            :class:`HotkeyError` like the real backends do.
        sequence: The registered sequence, or ``None``.
        closed: Whether :meth:`close` was called.
    """

    name = "fake"

    def __init__(self, taken: Sequence[str] = ()) -> None:
        self.taken = set(taken)
        self.sequence: str | None = None
        self.closed = False
        self._callback: Callable[[], None] | None = None

    def register(self, sequence: str, callback: Callable[[], None]) -> None:
        """Register like a real backend, refusing invalid and "taken" sequences."""
        validate_sequence(sequence)
        if sequence in self.taken:
            raise HotkeyError(f"hotkey {sequence!r} is already taken by another program")
        self.sequence = sequence
        self._callback = callback

    def unregister(self) -> None:
        """Drop the registration."""
        self.sequence = None
        self._callback = None

    def close(self) -> None:
        """Drop the registration and remember that it was closed."""
        self.unregister()
        self.closed = True

    def trigger(self) -> bool:
        """Press the hotkey; return whether a callback was registered and called."""
        if self._callback is None:
            return False
        self._callback()
        return True


@runtime_checkable
class LateBinding(Protocol):
    """A backend whose binding finishes after ``register`` returns (the portal).

    The desktop may ask the user first, so a refusal comes later than
    :meth:`HotkeyBackend.register` and cannot be raised from it.

    Attributes:
        status: ``"idle"``, ``"binding"``, ``"bound: <key>"`` or ``"failed: <reason>"``.
        on_failure: Called on the GUI thread with the reason when the desktop refuses.
    """

    status: str
    on_failure: Callable[[str], None] | None


class FakeLateHotkey(FakeHotkey):
    """A :class:`FakeHotkey` that binds later, like the portal: :meth:`bind` or :meth:`refuse`.

    Attributes:
        status: As :attr:`LateBinding.status`.
        on_failure: As :attr:`LateBinding.on_failure`.
    """

    name = "fake-portal"

    def __init__(self, taken: Sequence[str] = ()) -> None:
        super().__init__(taken)
        self.status = "idle"
        self.on_failure: Callable[[str], None] | None = None

    def register(self, sequence: str, callback: Callable[[], None]) -> None:
        """Register; the desktop's answer comes with :meth:`bind` or :meth:`refuse`."""
        super().register(sequence, callback)
        self.status = "binding"

    def unregister(self) -> None:
        """Drop the registration."""
        super().unregister()
        self.status = "idle"

    def bind(self, assigned: str = "") -> None:
        """The desktop binds the shortcut (to ``assigned``, or the key asked for)."""
        self.status = f"bound: {assigned or self.sequence}"

    def refuse(self, reason: str) -> None:
        """The desktop refuses: presses no longer arrive and ``on_failure`` hears why."""
        self._callback = None
        self.status = f"failed: {reason}"
        if self.on_failure is not None:
            self.on_failure(reason)


HotkeyFactory = Callable[[Mapping[str, str]], HotkeyBackend]
"""Builds a backend for an environment, or raises :class:`BackendUnavailableError`."""


@dataclass
class HotkeySelection:
    """The chosen backend and why each other one was not used.

    Attributes:
        backend: The backend to register the hotkey with.
        passed_over: ``(name, reason)`` for every backend not used, in the order tried.
    """

    backend: HotkeyBackend
    passed_over: list[tuple[str, str]] = field(default_factory=list)

    def describe(self) -> str:
        """A few lines for the log and the settings window."""
        lines = [f"hotkey backend: {self.backend.name}"]
        lines += [f"  {name}: not used: {reason}" for name, reason in self.passed_over]
        return "\n".join(lines)


BACKEND_NAMES = ("x11", "portal", "keyboard", "none")
"""Every backend name :func:`select_hotkey_backend` knows, for the settings choice."""


def session_type(env: Mapping[str, str], platform: str) -> str:
    """``"x11"``, ``"wayland"``, ``"windows"``, ``"macos"`` or ``"unknown"`` for this session."""
    if platform.startswith("win"):
        return "windows"
    if platform == "darwin":
        return "macos"
    declared = env.get("XDG_SESSION_TYPE", "").lower()
    if declared == "wayland" or (env.get("WAYLAND_DISPLAY") and declared != "x11"):
        return "wayland"
    if declared == "x11" or env.get("DISPLAY"):
        return "x11"
    return "unknown"


def _order(session: str) -> tuple[list[str], dict[str, str]]:
    """Backends worth trying in this session, and reasons for the others."""
    skipped: dict[str, str] = {}
    if session == "x11":
        order = ["x11", "keyboard"]
        skipped["portal"] = "X11 session: XGrabKey does the job without a portal dialog"
    elif session == "wayland":
        order = ["portal", "keyboard"]
        skipped["x11"] = "Wayland session: an X11 grab only sees keys typed into X11 windows"
    elif session == "windows":
        order = ["keyboard"]
        skipped["x11"] = "not an X11 desktop"
        skipped["portal"] = "xdg-desktop-portal is a Linux desktop service"
    elif session == "macos":
        order = []
        skipped["x11"] = "not an X11 desktop"
        skipped["portal"] = "xdg-desktop-portal is a Linux desktop service"
        skipped["keyboard"] = "the keyboard package needs root on macOS; Tactful never asks for it"
    else:
        order = ["x11", "portal", "keyboard"]
    return order, skipped


def default_factories() -> dict[str, HotkeyFactory]:
    """The real backends, imported only when one is tried."""

    def x11(env: Mapping[str, str]) -> HotkeyBackend:
        from tactful.desktop.hotkey_x11 import X11Hotkey

        return X11Hotkey.create(env)

    def portal(env: Mapping[str, str]) -> HotkeyBackend:
        try:
            from tactful.desktop.hotkey_portal import PortalHotkey
        except ImportError as exc:  # jeepney is a Linux-only dependency
            raise BackendUnavailableError(f"no D-Bus library: {exc}") from exc
        return PortalHotkey.create(env)

    def keyboard(env: Mapping[str, str]) -> HotkeyBackend:
        from tactful.desktop.hotkey_keyboard import KeyboardHotkey

        return KeyboardHotkey.create(env)

    return {"x11": x11, "portal": portal, "keyboard": keyboard}


def select_hotkey_backend(
    env: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    prefer: str = "auto",
    factories: Mapping[str, HotkeyFactory] | None = None,
) -> HotkeySelection:
    """Pick the first backend that works here, recording why the others were not used.

    Args:
        env: The environment to judge the session by; ``os.environ`` when ``None``.
        platform: ``sys.platform`` when ``None``.
        prefer: ``"auto"``, or one of :data:`BACKEND_NAMES` chosen in settings;
            a preferred backend that fails is passed over with its reason and
            the automatic order continues.
        factories: Backend builders by name (tests pass fakes); the real ones
            when ``None``.

    Returns:
        The selection; its backend is :class:`NullHotkey` when nothing else works.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    factories = default_factories() if factories is None else factories
    session = session_type(env, platform)
    order, skipped = _order(session)
    passed_over: list[tuple[str, str]] = []

    if prefer == "none":
        passed_over += [(n, "the hotkey is switched off in settings") for n in BACKEND_NAMES[:-1]]
        return HotkeySelection(NullHotkey(), passed_over)
    if prefer != "auto":
        if prefer not in BACKEND_NAMES:
            passed_over.append(
                (prefer, f"unknown backend name (known: {', '.join(BACKEND_NAMES)})")
            )
        else:
            order = [prefer] + [n for n in order if n != prefer]
            skipped.pop(prefer, None)

    chosen, tried = pick(
        order, factories, env, unavailable=(BackendUnavailableError,), log_what="hotkey"
    )
    passed_over += tried
    passed_over += [(n, r) for n, r in skipped.items() if n not in dict(passed_over)]
    if chosen is None:
        chosen = NullHotkey()
    else:
        passed_over.append(("none", f"not needed: {chosen.name} works"))
    selection = HotkeySelection(chosen, passed_over)
    log.info("%s", selection.describe())
    return selection
