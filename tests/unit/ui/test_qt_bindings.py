"""The Qt bindings themselves: a PySide6 release that breaks a long-running app is refused."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLineEdit
from pytestqt.qtbot import QtBot

CALLS = 200


@pytest.mark.skipif(
    sys.version_info >= (3, 12),
    reason="None is immortal from Python 3.12: a lost reference is harmless",
)
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
