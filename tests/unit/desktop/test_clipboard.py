from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tactful.desktop.clipboard import (
    SECRET_HINT_FORMAT,
    ClipboardBackend,
    ClipboardSnapshot,
    FakeClipboard,
    QtClipboard,
)


def test_snapshot_text_and_emptiness() -> None:
    snap = ClipboardSnapshot((("text/html", b"<i>x</i>"), ("text/plain;charset=utf-8", b"x")))
    assert snap.text() == "x"
    assert not snap.is_empty
    assert ClipboardSnapshot(()).is_empty
    assert ClipboardSnapshot(()).text() is None


def test_fake_clipboard_round_trip() -> None:
    clipboard = FakeClipboard("before")
    assert isinstance(clipboard, ClipboardBackend)
    snap = clipboard.snapshot()
    clipboard.set_text("reply")
    assert clipboard.holds("reply")
    assert clipboard.marked_secret
    assert clipboard.selection == clipboard.clipboard
    clipboard.restore(snap)
    assert clipboard.holds("before")
    assert not clipboard.marked_secret


def test_qt_clipboard_keeps_every_format_and_marks_the_reply(qtbot: QtBot) -> None:
    qt = QGuiApplication.clipboard()
    mime = QMimeData()
    mime.setHtml("<b>order 4711</b>")
    mime.setText("order 4711")
    mime.setData("application/x-tactful-test", b"\x00\x01binary")
    qt.setMimeData(mime)
    clipboard = QtClipboard()

    snap = clipboard.snapshot()
    formats = dict(snap.clipboard)
    assert formats["text/plain"] == b"order 4711"
    assert formats["application/x-tactful-test"] == b"\x00\x01binary"
    assert b"order 4711" in formats["text/html"]

    clipboard.set_text("We are sorry about the delay.")
    assert clipboard.holds("We are sorry about the delay.")
    assert not clipboard.holds("order 4711")
    data = qt.mimeData()
    assert data is not None
    assert bytes(data.data(SECRET_HINT_FORMAT).data()) == b"secret"

    clipboard.restore(snap)
    restored = qt.mimeData()
    assert restored is not None
    assert qt.text() == "order 4711"
    assert bytes(restored.data("application/x-tactful-test").data()) == b"\x00\x01binary"
    assert not restored.hasFormat(SECRET_HINT_FORMAT)


def test_qt_clipboard_unmarked_text_and_empty_restore(qtbot: QtBot) -> None:
    clipboard = QtClipboard()
    clipboard.set_text("plain", mark_secret=False)
    data = QGuiApplication.clipboard().mimeData()
    assert data is not None
    assert not data.hasFormat(SECRET_HINT_FORMAT)
    clipboard.restore(ClipboardSnapshot(()))
    assert QGuiApplication.clipboard().text() == ""
    assert clipboard.snapshot().is_empty
