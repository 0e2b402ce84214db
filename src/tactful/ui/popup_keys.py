"""The popup's keyboard: which key does what while the results are showing.

:func:`command_for` turns a key press into a :class:`Command` (or ``None``
for keys that belong to the search field, such as letters); the popup then
carries it out. Keeping the table apart from the window makes it one place
to read, to document in the hint line and to test.

=====================  ====================================
Key                    Command
=====================  ====================================
Esc                    hide the popup
Enter                  paste the selected reply
Ctrl+Enter             copy it only
Up / Down              previous / next result
Page Up / Page Down    five results up / down
Tab / Shift+Tab        next / previous channel variant
Ctrl+1 … Ctrl+9        use that row
Ctrl+D                 mark or unmark it as a favourite
=====================  ====================================
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from PySide6.QtCore import Qt

PAGE_STEP = 5
"""Page Up and Page Down move the selection this many rows."""
KEY_HINT = (
    "↑↓ choose · Enter pastes · Ctrl+Enter copies · Ctrl+1…9 picks · Ctrl+D favourite"
    " · Tab variant · Esc hides"
)
FILLIN_HINT = "Enter pastes · Ctrl+Enter copies · Tab next field · Esc back to the results"


class Action(Enum):
    """What a key asks the popup to do."""

    HIDE = "hide"
    PASTE = "paste"
    COPY = "copy"
    MOVE = "move"
    """Move the selection by ``Command.amount`` rows."""
    VARIANT = "variant"
    """Show the variant ``Command.amount`` steps on."""
    PICK = "pick"
    """Paste the reply in row ``Command.amount``."""
    FAVOURITE = "favourite"
    """Mark the selected reply as a favourite, or unmark it."""


@dataclass(frozen=True, slots=True)
class Command:
    """One thing to do, with its amount (rows, steps or a row number)."""

    action: Action
    amount: int = 0


_MOVES = {
    int(Qt.Key.Key_Down): 1,
    int(Qt.Key.Key_Up): -1,
    int(Qt.Key.Key_PageDown): PAGE_STEP,
    int(Qt.Key.Key_PageUp): -PAGE_STEP,
}


def command_for(key: int, modifiers: Qt.KeyboardModifier) -> Command | None:
    """The command of ``key`` pressed with ``modifiers``, or ``None`` for other keys."""
    ctrl = bool(modifiers & Qt.KeyboardModifier.ControlModifier)
    shift = bool(modifiers & Qt.KeyboardModifier.ShiftModifier)
    if key == Qt.Key.Key_Escape:
        return Command(Action.HIDE)
    if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        return Command(Action.COPY if ctrl else Action.PASTE)
    if int(key) in _MOVES:
        return Command(Action.MOVE, _MOVES[int(key)])
    if key == Qt.Key.Key_Backtab or (key == Qt.Key.Key_Tab and shift):
        return Command(Action.VARIANT, -1)
    if key == Qt.Key.Key_Tab:
        return Command(Action.VARIANT, 1)
    if ctrl and key == Qt.Key.Key_D:
        return Command(Action.FAVOURITE)
    if ctrl and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
        return Command(Action.PICK, int(key) - int(Qt.Key.Key_1))
    return None
