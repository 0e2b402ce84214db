"""Take the README's screenshots of the running app under a private Xvfb.

``make screenshots`` (or ``python scripts/screenshots.py [--out DIR]``) starts
Xvfb on a free display with openbox, then runs this script again inside that
display (``--inside``), where it assembles the real app (:func:`tactful.app.
desktop_services`, a temporary ``--basedir``, the bundled library), drives it
like an agent would and saves PNGs into ``docs/screenshots/``:

* ``popup.png``: the popup after typing "parcel late birthday";
* ``popup-message.png``: a pasted angry customer message, with the cues read;
* ``fillin.png``: the fill-in form for the chosen reply, partly filled;
* ``popup-tone.png``: a hedged date typed into the form, the tone check's
  note on it in the preview, with its tooltip;
* ``popup-dark.png``: the popup in the dark theme;
* ``settings.png`` and ``checker.png``: the settings and Check-a-draft windows.

Needs Xvfb and openbox (Debian packages ``xvfb`` and ``openbox``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xsession

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "docs" / "screenshots"
SCREEN = "1280x800x24"
QUERY = "parcel late birthday"
CUSTOMER_MESSAGE = (
    "This is the THIRD time I'm writing about my refund. You charged me twice for the "
    "same order and nobody has answered in a week. I'm really upset, I need this sorted today."
)
SAMPLE_VALUES = {
    "order_id": "A-20931",
    "delivery_date": "Friday, June 6",
    "recipient_name": "Maria",
    "customer_name": "Jordan",
}
HEDGED_DATE = "hopefully Friday"
"""Typed into the fill-in form for the tone-notes shot: the check flags the hedge."""
DRAFT = (
    "Hi, sorry for the wait. As I said, you should have checked the size chart before "
    "ordering. Hopefully the replacement is with you soon!!!"
)


# --- outside: a private X server ----------------------------------------------------


def run_outside(out: Path) -> int:
    """Start X, run this script inside it, stop X."""
    base = Path(tempfile.mkdtemp(prefix="tactful-screenshots-"))
    try:
        with xsession.x_session(SCREEN) as x:
            env = x.env(QT_QPA_PLATFORM="xcb", TACTFUL_BASEDIR=str(base))
            env["PYTHONPATH"] = os.pathsep.join(
                [str(ROOT / "src"), *filter(None, [env.get("PYTHONPATH")])]
            )
            done = subprocess.run(
                [sys.executable, str(Path(__file__).resolve()), "--inside", "--out", str(out)],
                env=env,
                check=False,
                timeout=180,
            )
            return done.returncode
    except xsession.XSessionError as exc:
        raise SystemExit(f"screenshots: {exc}") from exc
    finally:
        shutil.rmtree(base, ignore_errors=True)


# --- inside: drive the app and grab windows -------------------------------------------


def run_inside(out: Path) -> int:
    """Assemble the app on this display, drive it and save the PNGs."""
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QGuiApplication, QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QToolTip, QWidget

    from tactful.app import NO_TRAY_MARKER, TactfulApp, desktop_services
    from tactful.core.settings import Settings, save_settings
    from tactful.paths import Paths
    from tactful.ui.findings import tooltip_html
    from tactful.ui.tray import app_icon

    paths = Paths.resolve()
    paths.ensure(paths.config, paths.data, paths.state, paths.log, paths.runtime)
    (paths.state / NO_TRAY_MARKER).write_text("screenshots\n", encoding="utf-8")
    settings = Settings(agent_name="Sam Rivera", company="Acme Outdoor", default_channel="")
    save_settings(settings, paths.settings_file)
    out.mkdir(parents=True, exist_ok=True)

    qapp = QApplication([sys.argv[0]])
    qapp.setApplicationName("tactful")
    qapp.setWindowIcon(app_icon())
    app = TactfulApp(paths, desktop_services(settings))
    popup = app.popup
    saved: list[str] = []

    def grab(widget: QWidget, name: str, *, frame: bool = False) -> None:
        qapp.processEvents()
        screen = widget.screen() or QGuiApplication.primaryScreen()
        rect = widget.frameGeometry() if frame else widget.geometry()
        pixmap = screen.grabWindow(0, rect.x(), rect.y(), rect.width(), rect.height())
        path = out / name
        if not pixmap.save(str(path), "PNG"):
            raise SystemExit(f"screenshots: cannot write {path}")
        saved.append(name)

    def type_query(text: str) -> None:
        popup.search_field.clear()
        QTest.keyClicks(popup.search_field, text)

    def fill_some() -> None:
        """Type a value into all but the last field, as an agent halfway through would."""
        names = popup.fillin.names
        for name in names[:-1] if len(names) > 1 else names:
            QTest.keyClicks(popup.fillin.edit(name), SAMPLE_VALUES.get(name, "…"))

    def type_hedged_date() -> None:
        """Retype one value as an agent in a hurry might: the tone check notes the hedge."""
        names = popup.fillin.names
        name = "delivery_date" if "delivery_date" in names else names[0]
        edit = popup.fillin.edit(name)
        edit.clear()
        QTest.keyClicks(edit, HEDGED_DATE)

    def show_note_tooltip() -> None:
        """Hover the first marked words in the preview: their tooltip says why."""
        preview = popup.preview
        notes = preview.notes
        if not notes:
            raise SystemExit("screenshots: the tone check found nothing in the filled reply")
        cursor = QTextCursor(preview.body.document())
        cursor.setPosition(preview.body.toPlainText().index(HEDGED_DATE.split()[0]) + 2)
        point = preview.body.viewport().mapToGlobal(preview.body.cursorRect(cursor).bottomLeft())
        point.setY(point.y() + 4)
        QToolTip.showText(point, tooltip_html(notes[0]), preview.body.viewport())

    steps: list[tuple[int, Callable[[], Any]]] = [
        (300, popup.summon),
        (300, lambda: type_query(QUERY)),
        (400, lambda: grab(popup, "popup.png")),
        (100, lambda: QTest.keyClick(popup.search_field, Qt.Key.Key_Return)),
        (200, fill_some),
        (400, lambda: grab(popup, "fillin.png")),
        (100, type_hedged_date),
        (300, show_note_tooltip),
        (600, lambda: grab(popup, "popup-tone.png")),
        (100, QToolTip.hideText),
        (100, lambda: QTest.keyClick(qapp.focusWidget() or popup, Qt.Key.Key_Escape)),
        (100, lambda: popup.search_field.setText(CUSTOMER_MESSAGE)),
        (400, lambda: grab(popup, "popup-message.png")),
        (100, lambda: app.theme.apply("dark") if app.theme else None),
        (100, lambda: type_query("refund charged twice")),
        (400, lambda: grab(popup, "popup-dark.png")),
        (100, lambda: app.theme.apply("system") if app.theme else None),
        (100, popup.dismiss),
        (100, app.open_settings),
        (600, lambda: grab(app.settings_window, "settings.png", frame=True)),
        (100, app.settings_window.hide),
        (100, app.open_checker),
        (100, lambda: app.checker.editor.setPlainText(DRAFT) if app.checker else None),
        (900, lambda: grab(app.checker, "checker.png", frame=True) if app.checker else None),
        (100, qapp.quit),
    ]

    def run_step(number: int) -> None:
        if number >= len(steps):
            return
        _delay, action = steps[number]
        action()
        QTimer.singleShot(
            steps[number + 1][0] if number + 1 < len(steps) else 0, lambda: run_step(number + 1)
        )

    QTimer.singleShot(steps[0][0], lambda: run_step(0))
    qapp.exec()
    app.shutdown()
    for name in saved:
        print(out / name)
    return 0 if len(saved) == 7 else 1


def main() -> int:
    """Parse the arguments and take the screenshots."""
    parser = argparse.ArgumentParser(description="Take the README's screenshots under Xvfb.")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where the PNGs go")
    parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inside:
        return run_inside(args.out)
    return run_outside(args.out)


if __name__ == "__main__":
    raise SystemExit(main())
