"""How instant the popup feels: keystroke-to-repaint and hotkey-to-visible.

For each Qt platform (``offscreen`` always; ``xcb`` under a private Xvfb with
openbox when those are installed) a child process assembles the real app
(:class:`tactful.app.TactfulApp`, fake OS services) for these libraries:

* an empty library: the baseline, the same steps with no search work;
* the bundled library, and the same again with the popup's tone check off
  (the cost of checking the selected reply, measured in the same run);
* a synthetic library of 10,000 templates (``benchmarks/synthetic.py``).

It then measures

* keystroke-to-repaint: ``QTest.keyClick`` into the search field, through the
  search, the model reset and the tone check of the selected reply, until the
  result view has painted;
* paste-to-repaint: a ~1,000-character customer message set at once;
* hotkey-to-visible: ``FakeHotkey.trigger()`` until the popup is visible and
  its search field has painted (first paint);
* fill-in keystroke-to-repaint: a key typed into the fill-in form, through
  the live preview and its tone check, until the preview has painted.

It prints p50/p95 in milliseconds and each figure's ratio to the baseline of
the same run (fill-in figures against the baseline's search keystroke).
Run: ``.venv/bin/python benchmarks/ui_latency.py [--keystrokes N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts"))  # xsession: the private X server, as the tests start it

import xsession  # noqa: E402

SCREEN = "1600x1000x24"

QUERIES = (
    "parcel late birthday",
    "refund not received yet",
    "charged twice for one order",
    "cancel my subscription",
    "locked out of my account password",
    "item arrived damaged",
    "angry customer wants a manager",
    "where is my invoice",
)
MESSAGE = (
    "Hello, I ordered a birthday present for my daughter three weeks ago and it still "
    "has not arrived. The tracking page has said 'in transit' for nine days and nobody "
    "answers the phone. Her birthday is on Saturday and I am honestly furious, this is "
    "the third time I am writing to you about the same parcel and every time I have to "
    "explain everything again from the start. I paid extra for faster shipping which "
    "clearly did not happen, so I would like that money back at the very least. If it "
    "cannot arrive by Friday I want to cancel the order and get a full refund to my card. "
    "Please tell me what you are going to do today, not another 'we are looking into it'. "
    "Order number is 55-2193, the email on the account is the one I am writing from. "
    "I have been a customer for years and I have never been treated like this before."
)
FILL_TEXT = "hopefully Friday, sorry for the wait"
"""Typed into the fill-in form: a value the tone check has something to say about."""
PAINT_TIMEOUT_S = 1.0
"""A keystroke that changes nothing visible (a space with no results) paints nothing."""


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) of ``values`` by nearest rank."""
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# --- the child: measures one platform --------------------------------------------


class Measurer:
    """Waits for paints on the current Qt platform and times the popup's paths."""

    def __init__(self) -> None:
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance() or QApplication([sys.argv[0]])
        assert isinstance(app, QApplication)
        self.qapp = app
        self.no_repaint: dict[str, int] = {}

        class PaintWatch(QObject):
            """Notes that a watched widget painted."""

            def __init__(self) -> None:
                super().__init__()
                self.painted = False

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
                if event.type() == QEvent.Type.Paint:
                    self.painted = True
                return False

        self.view_watch = PaintWatch()
        self.field_watch = PaintWatch()
        self.preview_watch = PaintWatch()

    def wait(self, condition: Callable[[], bool], phase: str) -> bool:
        """Process events until ``condition``; count a timeout under ``phase``."""
        from PySide6.QtCore import QEventLoop

        deadline = time.perf_counter() + PAINT_TIMEOUT_S
        while not condition():
            if time.perf_counter() > deadline:
                self.no_repaint[phase] = self.no_repaint.get(phase, 0) + 1
                return False
            self.qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        return True

    def measure(
        self, app: Any, hotkey: Any, keystroke_limit: int, hotkey_reps: int
    ) -> dict[str, Any]:
        """Hotkey-to-visible, keystroke- and paste-to-repaint on one assembled app."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        popup = app.popup
        field = popup.search_field
        view, field_watch = self.view_watch, self.field_watch
        view.painted = field_watch.painted = False
        for widget in (popup.list_view.viewport(), popup.empty_label):
            widget.installEventFilter(view)
        field.installEventFilter(field_watch)
        self.no_repaint = {}

        shows: list[float] = []
        for _ in range(hotkey_reps + 1):  # the first show (mapping the window) is kept apart
            field_watch.painted = False
            start = time.perf_counter()
            hotkey.trigger()
            ok = self.wait(lambda: bool(popup.isVisible() and field_watch.painted), "show")
            shows.append((time.perf_counter() - start) * 1000 if ok else float("nan"))
            popup.dismiss()
            self.wait(lambda: not popup.isVisible(), "hide")
            self.qapp.processEvents()

        popup.summon()
        self.wait(lambda: field_watch.painted, "summon")
        keys: list[float] = []
        for query in QUERIES:
            field.clear()
            self.qapp.processEvents()
            for char in query:
                if len(keys) >= keystroke_limit:
                    break
                view.painted = False
                start = time.perf_counter()
                QTest.keyClicks(field, char)
                if self.wait(lambda: view.painted, "keystroke"):
                    keys.append((time.perf_counter() - start) * 1000)
        pastes: list[float] = []
        for number in range(20):
            field.clear()
            self.qapp.processEvents()
            view.painted = False
            start = time.perf_counter()
            field.setText(f"{MESSAGE} (ticket {number})")
            if self.wait(lambda: view.painted, "paste"):
                pastes.append((time.perf_counter() - start) * 1000)
        fills = self.measure_fillin(popup, keystroke_limit)
        QTest.keyClick(field, Qt.Key.Key_Escape)
        return {
            "keystroke": keys,
            "paste": pastes,
            "hotkey": shows[1:],
            "fillin": fills,
            "first_show": shows[0],
            "no_repaint": dict(self.no_repaint),
        }

    def measure_fillin(self, popup: Any, keystroke_limit: int) -> list[float]:
        """Keys typed into the fill-in form of the first reply that asks for a value."""
        from PySide6.QtCore import Qt
        from PySide6.QtTest import QTest

        from tactful.core.placeholders import needs_input

        known = popup.reply.known_values()
        for query in QUERIES:
            popup.search_field.setText(query)
            self.qapp.processEvents()
            rows = range(popup.model.rowCount())
            row = next((r for r in rows if needs_input(popup.model.template(r).body, known)), -1)
            if row >= 0:
                break
        else:
            return []
        popup.list_view.setCurrentIndex(popup.model.index(row))
        popup.choose()
        self.qapp.processEvents()
        edit = popup.fillin.edit(popup.fillin.names[0])
        watch = self.preview_watch
        popup.preview.body.viewport().installEventFilter(watch)
        fills: list[float] = []
        tries = 0
        while len(fills) < keystroke_limit and tries < 3 * keystroke_limit:
            edit.clear()
            self.qapp.processEvents()
            for char in FILL_TEXT[: keystroke_limit - len(fills)]:
                tries += 1
                watch.painted = False
                start = time.perf_counter()
                QTest.keyClicks(edit, char)
                if self.wait(lambda: watch.painted, "fill-in"):
                    fills.append((time.perf_counter() - start) * 1000)
        QTest.keyClick(edit, Qt.Key.Key_Escape)
        self.qapp.processEvents()
        return fills


def _loader(library: Any) -> Callable[[Any], Any]:
    return lambda _paths: library


def run_child(keystroke_limit: int, hotkey_reps: int) -> dict[str, Any]:
    """Measure every library on the current Qt platform; return the figures."""
    from PySide6.QtWidgets import QApplication

    from synthetic import make_library
    from tactful.app import NO_TRAY_MARKER, Services, TactfulApp, load_user_library
    from tactful.core.library import Library
    from tactful.core.model import Pack
    from tactful.desktop.activewindow import FakeActiveWindow, WindowRef
    from tactful.desktop.autostart import FakeAutostart
    from tactful.desktop.clipboard import FakeClipboard
    from tactful.desktop.hotkey import FakeHotkey, HotkeySelection
    from tactful.desktop.notify import FakeNotifier
    from tactful.desktop.paste import FakeKeySender, PasteSelection
    from tactful.paths import Paths
    from tactful.ui.tone_notes import ToneNotes

    measurer = Measurer()
    base = Path(tempfile.mkdtemp(prefix="tactful-bench-"))
    paths = Paths.for_basedir(base)
    paths.ensure(paths.config, paths.data, paths.state, paths.log, paths.runtime)
    (paths.state / NO_TRAY_MARKER).write_text("benchmark\n", encoding="utf-8")
    synthetic = Pack(
        id="synthetic", name="Synthetic", version="1.0.0", templates=tuple(make_library(10_000))
    )
    bundled = load_user_library(paths)
    libraries: list[tuple[str, Library, bool]] = [
        ("empty library (baseline)", Library([]), True),
        ("bundled library", bundled, True),
        ("bundled library, tone check off", bundled, False),
        ("10,000 synthetic templates", Library([synthetic]), True),
    ]
    results: dict[str, Any] = {}
    target = WindowRef(7, "Firefox", "Helpdesk")
    for label, library, tone in libraries:
        hotkey = FakeHotkey()
        services = Services(
            hotkey=HotkeySelection(hotkey, []),
            paste=PasteSelection(FakeKeySender(), []),
            clipboard=FakeClipboard("x"),
            windows=FakeActiveWindow(target, active=target),
            autostart=FakeAutostart(),
            notifier=FakeNotifier(),
            tray_available=False,
        )
        app = TactfulApp(paths, services, library_loader=_loader(library))
        if not tone:
            app.popup.reply.tone = ToneNotes(None)
        figures = measurer.measure(app, hotkey, keystroke_limit, hotkey_reps)
        figures["templates"] = len(library.templates)
        results[label] = figures
        app.shutdown()
        for widget in QApplication.topLevelWidgets():
            widget.close()
    shutil.rmtree(base, ignore_errors=True)
    return results


# --- the parent: one child per platform, then the table ----------------------------


def _child(platform: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any]:
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        "--keystrokes",
        str(args.keystrokes),
        "--shows",
        str(args.shows),
    ]
    env = dict(env, QT_QPA_PLATFORM=platform)
    env.setdefault("TACTFUL_BASEDIR", tempfile.mkdtemp(prefix="tactful-bench-home-"))
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child on {platform} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _row(label: str, values: list[float], base: list[float]) -> str:
    if not values:
        return f"    {label:<22} (no samples)"
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    b50, b95 = percentile(base, 0.5), percentile(base, 0.95)
    return (
        f"    {label:<22} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms   "
        f"x{p50 / b50:5.2f} / x{p95 / b95:5.2f} of baseline   (n={len(values)})"
    )


def report(platform: str, results: dict[str, Any]) -> None:
    """Print one platform's figures with ratios to the empty-library baseline."""
    print(f"\n== {platform} ==")
    baseline = results["empty library (baseline)"]
    for label, figures in results.items():
        print(f"  {label} ({figures['templates']} templates)")
        print(_row("keystroke-to-repaint", figures["keystroke"], baseline["keystroke"]))
        print(_row("paste-to-repaint", figures["paste"], baseline["paste"]))
        print(_row("hotkey-to-visible", figures["hotkey"], baseline["hotkey"]))
        print(_row("fill-in keystroke", figures["fillin"], baseline["keystroke"]))
        print(f"    {'first show':<22} {figures['first_show']:7.2f} ms")
        if figures["no_repaint"]:
            skipped = ", ".join(f"{k}: {v}" for k, v in figures["no_repaint"].items())
            print(f"    nothing to repaint within {PAINT_TIMEOUT_S:.0f} s (not counted): {skipped}")
    bundled = results["bundled library"]["keystroke"]
    print(
        f"  bundled keystroke-to-repaint mean {statistics.fmean(bundled):.2f} ms "
        f"over {len(bundled)} keystrokes"
    )
    on, off = results["bundled library"], results["bundled library, tone check off"]
    for kind, name in (("keystroke", "search keystroke"), ("fillin", "fill-in keystroke")):
        if on[kind] and off[kind]:
            print(
                f"  tone check on/off, bundled {name}: p50 x{_ratio(on[kind], off[kind], 0.5):.2f}"
                f"  p95 x{_ratio(on[kind], off[kind], 0.95):.2f}"
            )


def _ratio(values: list[float], base: list[float], q: float) -> float:
    return percentile(values, q) / percentile(base, q)


def main() -> int:
    """Run the benchmark on every platform available and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--keystrokes", type=int, default=150, help="keystrokes per library")
    parser.add_argument("--shows", type=int, default=30, help="hotkey presses per library")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.keystrokes, args.shows)))
        return 0
    print(f"ui latency: Python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    report("offscreen", _child("offscreen", dict(os.environ), args))
    try:
        with xsession.x_session(SCREEN, window_manager=shutil.which("openbox") is not None) as x:
            label = "xcb under Xvfb" + (" + openbox" if x.has_window_manager else "")
            report(label, _child("xcb", x.env(), args))
    except xsession.XSessionError as exc:
        print(f"\n== xcb under Xvfb == skipped: {exc}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
