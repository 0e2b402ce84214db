"""How a pack changed on disk reaches the running app, and what it costs the popup.

Figures, with the bundled packs loaded and indexed as in the app:

* the time to bring the library up to date on one thread (read the changed
  file, update the index: ``core.pack_sync.update_library``) for an edited
  personal pack of 20 templates and an edited synthetic team pack of 10,000
  templates (``benchmarks/synthetic.py``); this is what the GUI thread would
  freeze for if it did the work itself;
* the real app (:class:`tactful.app.TactfulApp`, fake OS services, offscreen):
  keystrokes typed into the popup every ``--gap`` ms (search, result list,
  tone check of the selected reply) while the 10,000-template pack is re-read
  on the watcher's worker thread, against the same keystrokes with nothing
  being read (the baseline of the same run), as p50/p95/max and ratios; once
  with the watcher's short thread switch interval and once with Python's
  default; plus the time from the save until the popup searches the new
  version, and the GUI-thread time of swapping the new library in.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/pack_reload.py [--reps N]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from synthetic import make_library  # noqa: E402
from tactful.core.library import load_library, user_pack_files  # noqa: E402
from tactful.core.model import Pack, Template  # noqa: E402
from tactful.core.pack_sync import UserPacks, scan, update_library  # noqa: E402
from tactful.core.packs import write_pack  # noqa: E402
from tactful.paths import Paths  # noqa: E402
from tactful.resources import bundled_pack_files  # noqa: E402
from tactful.ui.pack_watcher import SWITCH_INTERVAL_S  # noqa: E402

TYPED = ("parcel late", "refund not received", "charged twice", "locked out", "item damaged")


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0-1) of ``values``, nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def row(label: str, values: list[float], base: list[float] | None = None) -> str:
    """One line: p50, p95 and max in ms, and the ratio to ``base`` at p50 and p95."""
    text = (
        f"  {label:<44} p50 {percentile(values, 0.5):7.1f}  p95 {percentile(values, 0.95):7.1f}"
        f"  max {max(values):7.1f} ms  (n={len(values)})"
    )
    if base:
        p50 = percentile(values, 0.5) / max(percentile(base, 0.5), 1e-9)
        p95 = percentile(values, 0.95) / max(percentile(base, 0.95), 1e-9)
        text += f"  x{p50:.2f} / x{p95:.2f}"
    return text


def edited(pack: Pack, n: int) -> Pack:
    """``pack`` with its first template's title changed (a typical edit)."""
    first = replace(pack.templates[0], title=f"Edited title number {n}")
    return replace(pack, templates=(first, *pack.templates[1:]))


def make_pack(pack_id: str, templates: list[Template]) -> Pack:
    return Pack(
        id=pack_id,
        name=pack_id,
        version="1.0.0",
        templates=tuple(replace(t, pack_id=pack_id) for t in templates),
    )


def on_one_thread(folder: Path, pack: Pack, path: Path, reps: int) -> list[float]:
    """Milliseconds to update the library after each of ``reps`` edits of ``path``."""
    write_pack(pack, path)
    seen = scan(folder)
    library = load_library([*bundled_pack_files(), *user_pack_files(folder)])
    _ = library.index
    state = UserPacks.after_load(folder, library, seen)
    times: list[float] = []
    for n in range(reps):
        write_pack(edited(pack, n), path)
        start = time.perf_counter()
        update = update_library(library, state)
        times.append((time.perf_counter() - start) * 1000)
        assert update.changes.changed == (path,), update.changes
        library, state = update.library, update.state
    return times


def in_the_app(base: Path, big: Pack, reps: int, gap_ms: float) -> None:
    """Keystrokes in the real app's popup while the big pack is re-read, and idle."""
    from PySide6.QtWidgets import QApplication

    from tactful.app import NO_TRAY_MARKER, Services, TactfulApp, load_user_library
    from tactful.desktop.activewindow import FakeActiveWindow, WindowRef
    from tactful.desktop.autostart import FakeAutostart
    from tactful.desktop.clipboard import FakeClipboard
    from tactful.desktop.hotkey import FakeHotkey, HotkeySelection
    from tactful.desktop.notify import FakeNotifier
    from tactful.desktop.paste import FakeKeySender, PasteSelection

    qapp = QApplication.instance() or QApplication([])
    paths = Paths.for_basedir(base / "app")
    paths.ensure(paths.config, paths.data, paths.state, paths.log, paths.runtime)
    (paths.state / NO_TRAY_MARKER).write_text("benchmark\n", encoding="utf-8")
    team = paths.packs_dir / "team.tactful.toml"
    write_pack(big, team)
    target = WindowRef(7, "Firefox", "Helpdesk")
    services = Services(
        hotkey=HotkeySelection(FakeHotkey(), []),
        paste=PasteSelection(FakeKeySender(), []),
        clipboard=FakeClipboard("x"),
        windows=FakeActiveWindow(target, active=target),
        autostart=FakeAutostart(),
        notifier=FakeNotifier(),
        tray_available=False,
    )
    app = TactfulApp(paths, services, library_loader=load_user_library)
    popup = app.popup
    popup.summon()
    swaps: list[float] = []
    on_change = app._on_packs_changed

    def timed_swap(update: object) -> None:
        start = time.perf_counter()
        on_change(update)  # type: ignore[arg-type]
        swaps.append((time.perf_counter() - start) * 1000)

    app.pack_watcher.updated.disconnect(on_change)
    app.pack_watcher.updated.connect(timed_swap)
    keystroke = _keystroke(popup.search_field.setText, qapp.processEvents, gap_ms)
    while app.pack_watcher.busy:
        qapp.processEvents()
    for _ in range(len(TYPED) * 2):
        keystroke()  # warm-up: the first searches fill the analyzer's caches
    idle: list[float] = []
    busy: dict[str, list[float]] = {}
    until_found: dict[str, list[float]] = {}
    default = sys.getswitchinterval()
    n = 0
    for label, interval in (("short switch interval", SWITCH_INTERVAL_S), ("default", None)):
        app.pack_watcher._switch_interval = interval
        for _ in range(reps):
            for _ in range(20):
                idle.append(keystroke())
            n += 1
            title = f"Edited title number {n}"
            write_pack(edited(big, n), team)
            saved = time.perf_counter()
            while not any(t.title == title for t in app.library.templates):
                busy.setdefault(label, []).append(keystroke())
            until_found.setdefault(label, []).append((time.perf_counter() - saved) * 1000)
            assert sys.getswitchinterval() == default
    print(
        f"-- the app, popup open, {len(app.library.templates):,} templates (offscreen), "
        f"a keystroke every {gap_ms:.0f} ms"
    )
    print(row("keystroke, nothing being read (baseline)", idle))
    for label, interval in (("short switch interval", SWITCH_INTERVAL_S), ("default", default)):
        print(f" while the 10k pack is re-read, thread switch every {interval * 1000:g} ms:")
        print(row("keystroke", busy[label], idle))
        print(row("save -> popup searches the new version", until_found[label]))
    print(row("GUI thread: swapping the new library in", swaps))
    app.shutdown()
    for widget in QApplication.topLevelWidgets():
        widget.close()


def _keystroke(
    set_text: Callable[[str], None], process: Callable[[], None], gap_ms: float
) -> Callable[[], float]:
    """A function typing the next query into the popup after a pause; returns its ms."""
    counter = iter(range(10**9))

    def one() -> float:
        n = next(counter)
        query = TYPED[n % len(TYPED)][: 4 + n % 8]
        pause_until = time.perf_counter() + gap_ms / 1000
        while time.perf_counter() < pause_until:
            process()
            time.sleep(0.002)
        start = time.perf_counter()
        set_text(query)
        process()
        return (time.perf_counter() - start) * 1000

    return one


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--reps", type=int, default=5, help="edits per measurement")
    parser.add_argument("--gap", type=float, default=80, help="ms between keystrokes")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="tactful-reload-"))
    try:
        folder = base / "packs"
        folder.mkdir()
        small = make_pack("personal", make_library(20, seed=3))
        big = make_pack("team.synthetic", make_library(10_000))
        print("-- one thread: read the changed file and update the index (bundled packs loaded)")
        small_ms = on_one_thread(folder, small, folder / "personal.tactful.toml", args.reps * 4)
        print(row("personal pack, 20 templates", small_ms))
        (folder / "personal.tactful.toml").unlink()
        big_ms = on_one_thread(folder, big, folder / "team.tactful.toml", args.reps)
        print(row("team pack, 10,000 templates", big_ms))
        in_the_app(base, big, args.reps, args.gap)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
