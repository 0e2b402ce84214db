"""The Qt bindings themselves: a PySide6 release that breaks a long-running app is refused."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

CALLS = 200

immortal_singletons = pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="None, True and False are immortal from Python 3.12: a lost reference is harmless",
)


class Emitter(QObject):
    bare = Signal()
    command = Signal(str, dict)


@immortal_singletons
def test_void_methods_do_not_lose_references_to_none(qtbot: QtBot) -> None:
    # PySide6 6.12.0 returns None from void methods without a reference of its own;
    # on Python 3.11 None's count then reaches zero and the process aborts.
    edit = QLineEdit()
    qtbot.addWidget(edit)
    before = sys.getrefcount(None)
    for _ in range(CALLS):
        edit.setText("x")
    lost = before - sys.getrefcount(None)
    assert lost < CALLS // 2, f"{lost} references to None lost in {CALLS} calls of a void method"


@immortal_singletons
def test_signal_emit_does_not_lose_references_to_its_result() -> None:
    # Signal.emit returns a bool; a release that hands it back without a reference of
    # its own costs one reference to True per emit, and a tray app that emits for hours
    # aborts with "deallocating True or False". Tactful emits from Python on every
    # hotkey press, paste step and single-instance command.
    emitter = Emitter()
    received: list[str] = []
    emitter.command.connect(lambda cmd, _args: received.append(cmd))
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for _ in range(CALLS):
        emitter.bare.emit()
        emitter.command.emit("show", {})
    lost = before - (sys.getrefcount(True) + sys.getrefcount(False))
    assert len(received) == CALLS
    assert lost < CALLS, f"{lost} references to True/False lost in {2 * CALLS} emits"
