"""Pasting a reply into the window the agent came from, then giving the clipboard back.

:class:`Paster` runs the whole sequence with Qt timers, never sleeping on the
GUI thread:

1. snapshot the clipboard and put the reply on it, marked secret;
2. with ``copy_only`` (or when no :class:`KeySender` works here) stop and say so;
3. otherwise give focus back to the remembered window, poll every
   :data:`POLL_MS` until the hotkey's modifiers are up and that window has the
   focus (waiting at most :data:`RELEASE_TIMEOUT_MS`);
4. send the paste keys for that window's class (:func:`paste_keys_for`);
5. after :data:`RESTORE_DELAY_MS` restore the old clipboard, but only if it
   still holds our reply (the agent may have copied something meanwhile).

Every :meth:`Paster.paste` ends in exactly one ``finished(PasteOutcome)``.
Key senders live in :mod:`tactful.desktop.keysenders`; tests use
:class:`FakeKeySender`.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from PySide6.QtCore import QElapsedTimer, QObject, QTimer, Signal

from tactful.core.errors import TactfulError
from tactful.desktop.activewindow import ActiveWindowBackend, WindowRef
from tactful.desktop.clipboard import ClipboardBackend, ClipboardSnapshot
from tactful.desktop.keys import KeyComboError, parse_key_combo
from tactful.desktop.selection import pick

log = logging.getLogger(__name__)

POLL_MS = 20
RELEASE_TIMEOUT_MS = 1500
RESTORE_DELAY_MS = 500

DEFAULT_PASTE_KEYS = "ctrl+v"
TERMINAL_PASTE_KEYS = "ctrl+shift+v"

TERMINAL_CLASSES = frozenset(
    {
        "xterm",
        "uxterm",
        "urxvt",
        "rxvt",
        "gnome-terminal",
        "gnome-terminal-server",
        "konsole",
        "kitty",
        "alacritty",
        "terminator",
        "tilix",
        "xfce4-terminal",
        "mate-terminal",
        "lxterminal",
        "qterminal",
        "terminology",
        "wezterm",
        "org.wezfurlong.wezterm",
        "foot",
        "footclient",
        "st",
        "st-256color",
        "sakura",
        "guake",
        "yakuake",
        "tilda",
        "kgx",
        "org.gnome.console",
        "com.mitchellh.ghostty",
        "ghostty",
        "cool-retro-term",
        "io.elementary.terminal",
        "deepin-terminal",
        "contour",
        "warp",
    }
)
"""Window classes (lower case) that paste with Ctrl+Shift+V."""


class PasteError(TactfulError):
    """The paste keys could not be sent."""


@runtime_checkable
class KeySender(Protocol):
    """Sends the paste keystroke to whatever window has the focus.

    Attributes:
        name: Short backend name for settings: ``xtest``, ``keyboard`` or ``fake``.
    """

    name: str

    def modifiers_down(self) -> bool:
        """Whether Ctrl, Alt, Shift or Meta is held down right now."""
        ...

    def send_paste(self, keys: str) -> None:
        """Press and release ``keys`` such as ``"ctrl+v"``, ``"ctrl+shift+v"``, ``"shift+insert"``.

        Raises:
            PasteError: The keys are not understood or could not be sent.
        """
        ...


class FakeKeySender:
    """Records what would have been typed.

    Attributes:
        sent: Every ``keys`` string sent, in order.
        held: What :meth:`modifiers_down` answers; tests release it later.
        fail_with: When set, :meth:`send_paste` raises :class:`PasteError` with it.
    """

    name = "fake"

    def __init__(self, *, held: bool = False) -> None:
        self.sent: list[str] = []
        self.held = held
        self.polls = 0
        self.fail_with: str | None = None

    def modifiers_down(self) -> bool:
        """Answer :attr:`held`, counting the polls."""
        self.polls += 1
        return self.held

    def send_paste(self, keys: str) -> None:
        """Record ``keys`` after checking they parse."""
        validate_paste_keys(keys)
        if self.fail_with is not None:
            raise PasteError(self.fail_with)
        self.sent.append(keys)


def validate_paste_keys(keys: str, *, where: str = "paste keys") -> None:
    """Raise :class:`PasteError` naming ``where`` when ``keys`` is not a key combination."""
    try:
        parse_key_combo(keys, what=where)
    except KeyComboError as exc:
        raise PasteError(str(exc)) from exc


def paste_keys_for(wm_class: str, overrides: Mapping[str, str] | None = None) -> str:
    """The keys that paste into a window of class ``wm_class``.

    A per-class override from settings wins (class names compared without
    case); terminals get Ctrl+Shift+V; everything else Ctrl+V.
    """
    cls = wm_class.strip().lower()
    for name, keys in (overrides or {}).items():
        if name.strip().lower() == cls and keys.strip():
            return keys.strip()
    if cls in TERMINAL_CLASSES:
        return TERMINAL_PASTE_KEYS
    return DEFAULT_PASTE_KEYS


@dataclass(frozen=True, slots=True)
class PasteOutcome:
    """How one paste ended, for a notification or the status line.

    Attributes:
        pasted: The paste keys were sent to the target window.
        copied: The reply is (or was) on the clipboard.
        restored: The previous clipboard was put back.
        message: One sentence for the user.
        keys: The paste keys sent, or ``""``.
    """

    pasted: bool
    copied: bool
    restored: bool
    message: str
    keys: str = ""


def _window_name(target: WindowRef | None) -> str:
    if target is None:
        return "the window you came from"
    return repr(target.title) if target.title else (target.wm_class or "the window you came from")


class Paster(QObject):
    """Runs the paste sequence on Qt timers; one ``finished`` per :meth:`paste`.

    Args:
        clipboard: The clipboard to borrow.
        windows: Gives focus back to the target window.
        sender: Sends the paste keys; ``None`` where no backend works, in which
            case every paste only copies and says ``no_sender_reason``.
        overrides: Paste keys by window class, from settings.
        no_sender_reason: Why there is no sender, shown after "paste with Ctrl+V: ".
        poll_ms, release_timeout_ms, restore_delay_ms: Timings (tests shorten them).
        parent: Qt parent.
    """

    finished = Signal(object)
    """Emitted with a :class:`PasteOutcome` once per :meth:`paste`."""

    def __init__(
        self,
        clipboard: ClipboardBackend,
        windows: ActiveWindowBackend,
        sender: KeySender | None,
        *,
        overrides: Mapping[str, str] | None = None,
        no_sender_reason: str = "no way to send keys on this desktop",
        poll_ms: int = POLL_MS,
        release_timeout_ms: int = RELEASE_TIMEOUT_MS,
        restore_delay_ms: int = RESTORE_DELAY_MS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._clipboard = clipboard
        self._windows = windows
        self._sender = sender
        self.overrides: dict[str, str] = dict(overrides or {})
        self.no_sender_reason = no_sender_reason
        self._release_timeout_ms = release_timeout_ms
        self._poll = QTimer(self)
        self._poll.setInterval(poll_ms)
        self._poll.timeout.connect(self._on_poll)
        self._restore = QTimer(self)
        self._restore.setSingleShot(True)
        self._restore.setInterval(restore_delay_ms)
        self._restore.timeout.connect(self._on_restore)
        self._waited = QElapsedTimer()
        self._text: str | None = None
        self._target: WindowRef | None = None
        self._snapshot: ClipboardSnapshot | None = None
        self._keys = ""

    @property
    def busy(self) -> bool:
        """Whether a paste is under way (waiting to send or to restore)."""
        return self._text is not None

    @property
    def key_sender(self) -> KeySender | None:
        """The key sender in use, or ``None``."""
        return self._sender

    def paste(self, text: str, target: WindowRef | None, *, copy_only: bool = False) -> None:
        """Put ``text`` on the clipboard and, unless ``copy_only``, paste it into ``target``.

        The ui hides the popup before calling this. A paste still under way is
        finished first (its outcome says it was replaced); the clipboard
        snapshot from before it is kept, so the agent's own clipboard is what
        comes back.
        """
        superseded = self._supersede("Replaced by a newer paste before it finished.")
        snapshot = superseded or self._clipboard.snapshot()
        self._clipboard.set_text(text, mark_secret=True)
        if copy_only:
            self._emit_later(PasteOutcome(False, True, False, "Copied to the clipboard."))
            return
        if self._sender is None:
            message = f"Copied — paste with Ctrl+V: {self.no_sender_reason}"
            self._emit_later(PasteOutcome(False, True, False, message))
            return
        if target is not None and not self._windows.activate(target):
            message = (
                f"Copied — paste with Ctrl+V: {_window_name(target)} could not be given "
                f"the focus again (it may be closed)"
            )
            self._emit_later(PasteOutcome(False, True, False, message))
            return
        self._text, self._target, self._snapshot = text, target, snapshot
        self._keys = paste_keys_for(target.wm_class if target else "", self.overrides)
        self._waited.start()
        self._poll.start()

    def _emit_later(self, outcome: PasteOutcome) -> None:
        QTimer.singleShot(0, self, lambda: self.finished.emit(outcome))

    def _target_focused(self) -> bool:
        if self._target is None:
            return True
        current = self._windows.current()
        return current is None or current.id == self._target.id

    def _on_poll(self) -> None:
        assert self._sender is not None
        ready = not self._sender.modifiers_down() and self._target_focused()
        if ready:
            self._send()
            return
        if self._waited.elapsed() < self._release_timeout_ms:
            return
        if not self._target_focused():
            self._poll.stop()
            message = (
                f"Copied — paste with Ctrl+V: {_window_name(self._target)} did not get the "
                f"focus back in time"
            )
            self._finish(PasteOutcome(False, True, False, message))
            return
        log.info("modifiers still held after %d ms; pasting anyway", self._release_timeout_ms)
        self._send()

    def _send(self) -> None:
        assert self._sender is not None
        self._poll.stop()
        try:
            self._sender.send_paste(self._keys)
        except TactfulError as exc:
            self._finish(PasteOutcome(False, True, False, f"Copied — paste with Ctrl+V: {exc}"))
            return
        self._restore.start()

    def _on_restore(self) -> None:
        text, snapshot = self._text, self._snapshot
        assert text is not None
        assert snapshot is not None
        where = _window_name(self._target)
        if self._clipboard.holds(text):
            self._clipboard.restore(snapshot)
            outcome = PasteOutcome(True, True, True, f"Pasted into {where}.", self._keys)
        else:
            message = f"Pasted into {where}; the clipboard now holds what you copied since."
            outcome = PasteOutcome(True, True, False, message, self._keys)
        self._finish(outcome)

    def _finish(self, outcome: PasteOutcome) -> None:
        self._text = self._target = self._snapshot = None
        self.finished.emit(outcome)

    def _supersede(self, message: str) -> ClipboardSnapshot | None:
        """End a paste under way; return its snapshot if the clipboard still holds its text."""
        if self._text is None:
            return None
        text, snapshot, pasted = self._text, self._snapshot, self._restore.isActive()
        self._poll.stop()
        self._restore.stop()
        keep = snapshot if self._clipboard.holds(text) else None
        self._finish(PasteOutcome(pasted, True, False, message, self._keys if pasted else ""))
        return keep

    def cancel(self) -> None:
        """Stop a paste under way; the clipboard is restored if it still holds the reply."""
        snapshot = self._supersede("Paste cancelled.")
        if snapshot is not None:
            self._clipboard.restore(snapshot)


@dataclass
class PasteSelection:
    """The chosen key sender and why each other one was not used.

    Attributes:
        sender: The key sender, or ``None`` when nothing can send keys here.
        passed_over: ``(name, reason)`` for every backend not used.
        reason: When ``sender`` is ``None``, why, for "paste with Ctrl+V: <reason>".
    """

    sender: KeySender | None
    passed_over: list[tuple[str, str]]
    reason: str = ""

    def describe(self) -> str:
        """A few lines for the log and the settings window."""
        lines = [f"paste backend: {self.sender.name if self.sender else 'none'}"]
        lines += [f"  {name}: not used: {why}" for name, why in self.passed_over]
        return "\n".join(lines)


class SenderUnavailableError(TactfulError):
    """A key sender cannot run here; the message says why."""


SenderFactory = Callable[[Mapping[str, str]], KeySender]
"""Builds a key sender for an environment, or raises :class:`SenderUnavailableError`."""


def default_sender_factories() -> dict[str, SenderFactory]:
    """The real key senders, imported only when one is tried."""

    def xtest(env: Mapping[str, str]) -> KeySender:
        from tactful.desktop.keysenders import XTestKeySender

        return XTestKeySender.create(env)

    def keyboard(env: Mapping[str, str]) -> KeySender:
        from tactful.desktop.keysenders import KeyboardKeySender

        return KeyboardKeySender.create(env)

    return {"xtest": xtest, "keyboard": keyboard}


def select_paste_backend(
    env: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    prefer: str = "auto",
    factories: Mapping[str, SenderFactory] | None = None,
) -> PasteSelection:
    """Pick the first key sender that works here, recording why the others were not used.

    Args:
        env: The environment to judge the session by; ``os.environ`` when ``None``.
        platform: ``sys.platform`` when ``None``.
        prefer: ``"auto"``, ``"xtest"``, ``"keyboard"``, or ``"copy"`` (settings:
            never send keys, only copy).
        factories: Sender builders by name (tests pass fakes); the real ones when ``None``.
    """
    from tactful.desktop.hotkey import session_type

    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    factories = default_sender_factories() if factories is None else factories
    session = session_type(env, platform)
    passed_over: list[tuple[str, str]] = []
    if prefer == "copy":
        reason = "pasting is switched off in settings"
        return PasteSelection(None, [(n, reason) for n in ("xtest", "keyboard")], reason)
    order: list[str]
    if session == "x11":
        order = ["xtest", "keyboard"]
    elif session == "windows":
        order = ["keyboard"]
        passed_over.append(("xtest", "not an X11 desktop"))
    elif session == "wayland":
        order = ["keyboard"]
        passed_over.append(("xtest", "Wayland session: XTest only reaches X11 windows"))
    elif session == "macos":
        order = []
        passed_over.append(("xtest", "not an X11 desktop"))
        passed_over.append(("keyboard", "sending keys on macOS needs the Accessibility permission"))
    else:
        order = ["xtest", "keyboard"]
    if prefer in order:
        order = [prefer] + [n for n in order if n != prefer]
    elif prefer != "auto":
        passed_over.append((prefer, "not available in this session"))
    chosen, tried = pick(
        order, factories, env, unavailable=(SenderUnavailableError,), log_what="paste"
    )
    passed_over += tried
    reason = ""
    if chosen is None:
        reason = {
            "wayland": "no paste backend on Wayland without the portal",
            "macos": "macOS needs the Accessibility permission to send keys",
        }.get(session, "no way to send keys on this desktop")
    selection = PasteSelection(chosen, passed_over, reason)
    log.info("%s", selection.describe())
    return selection
