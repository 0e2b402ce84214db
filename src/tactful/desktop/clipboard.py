"""The clipboard: snapshot every format, put a reply on it marked secret, put it back.

Pasting a reply borrows the agent's clipboard for half a second. Before that,
:meth:`ClipboardBackend.snapshot` copies every format the clipboard offers
(and the X11 PRIMARY selection); :meth:`ClipboardBackend.set_text` puts the
reply on it with ``x-kde-passwordManagerHint: secret`` so clipboard managers
(Klipper, CopyQ, GPaste and others that honour the hint) do not keep it;
:meth:`ClipboardBackend.restore` puts the snapshot back. :class:`QtClipboard`
does this on ``QClipboard``; tests use :class:`FakeClipboard`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PySide6.QtGui import QClipboard

SECRET_HINT_FORMAT = "x-kde-passwordManagerHint"
"""The format clipboard managers read to skip an entry."""

SECRET_HINT_VALUE = b"secret"

TEXT_FORMAT = "text/plain"

Formats = tuple[tuple[str, bytes], ...]
"""A clipboard's contents: ``(mime type, data)`` pairs in the order offered."""


@dataclass(frozen=True, slots=True)
class ClipboardSnapshot:
    """What the clipboard held at one moment.

    Attributes:
        clipboard: Every format of CLIPBOARD with its bytes; empty when it was empty.
        selection: The same for the X11 PRIMARY selection; ``None`` where the
            platform has none.
    """

    clipboard: Formats
    selection: Formats | None = None

    def text(self) -> str | None:
        """The ``text/plain`` content of CLIPBOARD, decoded as UTF-8, if any."""
        for fmt, data in self.clipboard:
            if fmt == TEXT_FORMAT or fmt.startswith(TEXT_FORMAT + ";"):
                return data.decode("utf-8", errors="replace")
        return None

    @property
    def is_empty(self) -> bool:
        """Whether CLIPBOARD held nothing."""
        return not self.clipboard


@runtime_checkable
class ClipboardBackend(Protocol):
    """Reads, writes and restores the system clipboard."""

    def snapshot(self) -> ClipboardSnapshot:
        """Copy every format of CLIPBOARD (and PRIMARY where there is one)."""
        ...

    def set_text(self, text: str, mark_secret: bool = True) -> None:
        """Put ``text`` on CLIPBOARD (and PRIMARY), marked for managers to skip by default."""
        ...

    def holds(self, text: str) -> bool:
        """Whether CLIPBOARD still holds exactly ``text`` (nobody copied since)."""
        ...

    def restore(self, snapshot: ClipboardSnapshot) -> None:
        """Put ``snapshot`` back; an empty snapshot clears the clipboard."""
        ...


def _text_formats(text: str, mark_secret: bool) -> Formats:
    formats: list[tuple[str, bytes]] = [(TEXT_FORMAT, text.encode("utf-8"))]
    if mark_secret:
        formats.append((SECRET_HINT_FORMAT, SECRET_HINT_VALUE))
    return tuple(formats)


class FakeClipboard:
    """An in-memory clipboard for tests.

    Attributes:
        clipboard: The formats CLIPBOARD holds now.
        selection: The formats PRIMARY holds now, or ``None`` without PRIMARY.
        writes: Every text written with :meth:`set_text`, in order.
        restores: How many times :meth:`restore` ran.
    """

    def __init__(self, text: str | None = None, *, with_selection: bool = True) -> None:
        self.clipboard: Formats = _text_formats(text, False) if text is not None else ()
        self.selection: Formats | None = () if with_selection else None
        self.writes: list[str] = []
        self.restores = 0

    def snapshot(self) -> ClipboardSnapshot:
        """Return the current contents."""
        return ClipboardSnapshot(self.clipboard, self.selection)

    def set_text(self, text: str, mark_secret: bool = True) -> None:
        """Hold ``text`` in CLIPBOARD and PRIMARY."""
        self.writes.append(text)
        self.clipboard = _text_formats(text, mark_secret)
        if self.selection is not None:
            self.selection = self.clipboard

    def holds(self, text: str) -> bool:
        """Whether CLIPBOARD's text is ``text``."""
        return self.snapshot().text() == text

    def restore(self, snapshot: ClipboardSnapshot) -> None:
        """Put ``snapshot`` back."""
        self.restores += 1
        self.clipboard = snapshot.clipboard
        if self.selection is not None and snapshot.selection is not None:
            self.selection = snapshot.selection

    def user_copies(self, formats: Formats | str) -> None:
        """Play another program copying something (text, or any formats)."""
        if isinstance(formats, str):
            formats = _text_formats(formats, False)
        self.clipboard = formats

    @property
    def marked_secret(self) -> bool:
        """Whether CLIPBOARD carries the clipboard-manager hint."""
        return (SECRET_HINT_FORMAT, SECRET_HINT_VALUE) in self.clipboard


class QtClipboard:
    """The real clipboard, through ``QClipboard`` (needs a ``QGuiApplication``).

    On X11 the PRIMARY selection is read, written and restored alongside
    CLIPBOARD, so a middle-click paste gets the reply too.
    """

    def __init__(self, clipboard: QClipboard | None = None) -> None:
        from PySide6.QtGui import QGuiApplication

        self._clipboard = clipboard if clipboard is not None else QGuiApplication.clipboard()

    def _modes(self) -> list[QClipboard.Mode]:
        from PySide6.QtGui import QClipboard

        modes = [QClipboard.Mode.Clipboard]
        if self._clipboard.supportsSelection():
            modes.append(QClipboard.Mode.Selection)
        return modes

    def _read(self, mode: QClipboard.Mode) -> Formats:
        mime = self._clipboard.mimeData(mode)
        if mime is None:
            return ()
        pairs: list[tuple[str, bytes]] = []
        for fmt in mime.formats():
            data = mime.data(fmt).data()
            if data:
                pairs.append((fmt, bytes(data)))
        return tuple(pairs)

    def _write(self, formats: Formats, mode: QClipboard.Mode) -> None:
        from PySide6.QtCore import QMimeData

        if not formats:
            self._clipboard.clear(mode)
            return
        mime = QMimeData()
        for fmt, data in formats:
            mime.setData(fmt, data)
        self._clipboard.setMimeData(mime, mode)

    def snapshot(self) -> ClipboardSnapshot:
        """Copy every non-empty format of CLIPBOARD and, on X11, PRIMARY."""
        modes = self._modes()
        clipboard = self._read(modes[0])
        selection = self._read(modes[1]) if len(modes) > 1 else None
        return ClipboardSnapshot(clipboard, selection)

    def set_text(self, text: str, mark_secret: bool = True) -> None:
        """Put ``text`` on CLIPBOARD and PRIMARY, with the secret hint by default."""
        formats = _text_formats(text, mark_secret)
        for mode in self._modes():
            self._write(formats, mode)

    def holds(self, text: str) -> bool:
        """Whether CLIPBOARD's plain text is exactly ``text``."""
        from PySide6.QtGui import QClipboard

        return self._clipboard.text(QClipboard.Mode.Clipboard) == text

    def restore(self, snapshot: ClipboardSnapshot) -> None:
        """Put back CLIPBOARD, and PRIMARY where the snapshot has it."""
        modes = self._modes()
        self._write(snapshot.clipboard, modes[0])
        if len(modes) > 1 and snapshot.selection is not None:
            self._write(snapshot.selection, modes[1])
