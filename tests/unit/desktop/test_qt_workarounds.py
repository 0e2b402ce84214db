from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal

from tactful.desktop import qt_workarounds


class Emitter(QObject):
    bare = Signal()
    command = Signal(str, dict)


def test_many_emits_keep_the_interpreter_alive() -> None:
    qt_workarounds.install()
    emitter = Emitter()
    received: list[str] = []
    emitter.command.connect(lambda cmd, args: received.append(cmd))
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for _ in range(5000):
        emitter.bare.emit()
        emitter.command.emit("show", {})
    after = sys.getrefcount(True) + sys.getrefcount(False)
    # Without the work-around on an affected PySide6 this loses 10000 references.
    assert after >= before - 100
    assert len(received) == 5000


def test_install_is_idempotent() -> None:
    first = qt_workarounds.install()
    assert qt_workarounds.install() == first
    assert not qt_workarounds.emit_loses_references()
