"""A small Qt text window standing for the agent's chat app in X11 tests.

Usage: ``python target_window.py STATE_FILE TITLE [INITIAL_TEXT]``. The window
shows a line edit and, whenever its text or focus changes, writes
``{"text": ..., "wid": ..., "focused": ...}`` to ``STATE_FILE`` (atomically),
so the test process can read what landed in it without talking Qt to it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget


def main() -> int:
    state_file = Path(sys.argv[1])
    title = sys.argv[2]
    initial = sys.argv[3] if len(sys.argv) > 3 else ""
    app = QApplication([sys.argv[0]])
    window = QWidget()
    window.setWindowTitle(title)
    layout = QVBoxLayout(window)
    edit = QLineEdit(initial)
    layout.addWidget(edit)
    window.resize(420, 80)

    def write_state() -> None:
        state = {
            "text": edit.text(),
            "wid": int(window.winId()),
            "focused": window.isActiveWindow() and edit.hasFocus(),
        }
        tmp = state_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state), encoding="utf-8")
        os.replace(tmp, state_file)

    class FocusWatcher(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() in (QEvent.Type.FocusIn, QEvent.Type.FocusOut):
                QTimer.singleShot(0, write_state)
            return False

    watcher = FocusWatcher()
    edit.installEventFilter(watcher)
    edit.textChanged.connect(lambda _text: write_state())
    app.focusWindowChanged.connect(lambda _w: QTimer.singleShot(0, write_state))
    window.show()
    window.activateWindow()
    edit.setFocus()
    edit.end(False)
    QTimer.singleShot(0, write_state)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
