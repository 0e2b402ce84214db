"""Runs the real paste sequence once on ``$DISPLAY`` and reports how it ended.

Usage: ``python paste_flow.py WINDOW_ID TEXT``. Builds the X11 backends and a
:class:`~tactful.desktop.paste.Paster` in a Qt app on the xcb platform, pastes
``TEXT`` into the window, prints the :class:`PasteOutcome` as one JSON line,
then keeps running (it may own the restored clipboard) until stdin closes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys

from PySide6.QtCore import QSocketNotifier
from PySide6.QtWidgets import QApplication

from tactful.desktop.activewindow import WindowRef, X11ActiveWindow
from tactful.desktop.clipboard import QtClipboard
from tactful.desktop.keysenders import XTestKeySender
from tactful.desktop.paste import PasteOutcome, Paster


def main() -> int:
    wid, text = int(sys.argv[1]), sys.argv[2]
    app = QApplication([sys.argv[0]])
    windows = X11ActiveWindow()
    paster = Paster(QtClipboard(), windows, XTestKeySender.create(os.environ))

    def report(outcome: PasteOutcome) -> None:
        print(json.dumps(dataclasses.asdict(outcome)), flush=True)

    paster.finished.connect(report)
    paster.paste(text, WindowRef(wid, "", "the chat window"))
    stdin = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
    stdin.activated.connect(app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
