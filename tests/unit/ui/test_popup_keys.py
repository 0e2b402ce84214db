"""The popup's key table."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tactful.ui.popup_keys import KEY_HINT, PAGE_STEP, Action, Command, command_for

NONE = Qt.KeyboardModifier.NoModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


@pytest.mark.parametrize(
    ("key", "mods", "expected"),
    [
        (Qt.Key.Key_Escape, NONE, Command(Action.HIDE)),
        (Qt.Key.Key_Return, NONE, Command(Action.PASTE)),
        (Qt.Key.Key_Enter, NONE, Command(Action.PASTE)),
        (Qt.Key.Key_Return, CTRL, Command(Action.COPY)),
        (Qt.Key.Key_Down, NONE, Command(Action.MOVE, 1)),
        (Qt.Key.Key_Up, NONE, Command(Action.MOVE, -1)),
        (Qt.Key.Key_PageDown, NONE, Command(Action.MOVE, PAGE_STEP)),
        (Qt.Key.Key_PageUp, NONE, Command(Action.MOVE, -PAGE_STEP)),
        (Qt.Key.Key_Tab, NONE, Command(Action.VARIANT, 1)),
        (Qt.Key.Key_Tab, SHIFT, Command(Action.VARIANT, -1)),
        (Qt.Key.Key_Backtab, SHIFT, Command(Action.VARIANT, -1)),
        (Qt.Key.Key_1, CTRL, Command(Action.PICK, 0)),
        (Qt.Key.Key_9, CTRL, Command(Action.PICK, 8)),
        (Qt.Key.Key_D, CTRL, Command(Action.FAVOURITE)),
    ],
)
def test_commands(key: Qt.Key, mods: Qt.KeyboardModifier, expected: Command) -> None:
    assert command_for(int(key), mods) == expected


@pytest.mark.parametrize(
    ("key", "mods"),
    [
        (Qt.Key.Key_A, NONE),
        (Qt.Key.Key_1, NONE),  # a digit typed into the search
        (Qt.Key.Key_0, CTRL),
        (Qt.Key.Key_D, NONE),  # a "d" typed into the search
        (Qt.Key.Key_Left, NONE),  # the field's own cursor keys
        (Qt.Key.Key_Backspace, NONE),
    ],
)
def test_other_keys_belong_to_the_search_field(key: Qt.Key, mods: Qt.KeyboardModifier) -> None:
    assert command_for(int(key), mods) is None


def test_the_hint_line_names_the_favourite_key() -> None:
    assert "Ctrl+D favourite" in KEY_HINT
