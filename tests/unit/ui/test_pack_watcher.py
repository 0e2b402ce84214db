"""Pack files changed on disk reach the running app: added, edited, broken, removed."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tactful.app import TactfulApp
from tactful.core.library import Library, load_library, user_pack_files
from tactful.core.model import Pack
from tactful.core.pack_sync import Update, UserPacks, scan
from tactful.core.packs import Loader, read_pack
from tactful.paths import Paths
from tactful.ui.pack_watcher import SWITCH_INTERVAL_S, PackWatcher

from .conftest import PACK, fake_services

WAIT_MS = 10_000


def write(path: Path, pack_id: str, title: str, extra: str = "") -> Path:
    """A pack file with one template, saved the way editors do: a temp file renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(
        f'format = 1\n[pack]\nid = "{pack_id}"\nname = "Mine"\nversion = "1.0.0"\n'
        f'[[templates]]\nid = "one"\ntitle = "{title}"\nsituation = "order_late"\n'
        f'body = "We are on it."\n{extra}',
        encoding="utf-8",
    )
    os.replace(temp, path)
    return path


def user_library(paths: Paths) -> Library:
    """The test pack plus the user's packs (the bundled packs are left out to stay small)."""
    files = user_pack_files(paths.packs_dir)
    user = load_library(files)
    return Library([PACK, *user.packs], user.problems)


@pytest.fixture
def app(qtbot: QtBot, paths: Paths) -> Iterator[TactfulApp]:
    running = TactfulApp(paths, fake_services(), library_loader=user_library)
    yield running
    running.shutdown()
    for box in running.messages.open_dialogs:
        box.close()
    if running.no_tray_notice is not None:
        running.no_tray_notice.close()


def found(app: TactfulApp, query: str) -> list[str]:
    """The titles the popup lists for ``query`` typed now."""
    popup = app.popup
    popup.search_field.clear()
    popup.search_field.setText(query)
    rows = (popup.model.template(row) for row in range(popup.model.rowCount()))
    return [t.title for t in rows if t is not None]


def test_the_popup_follows_the_personal_pack(qtbot: QtBot, app: TactfulApp, paths: Paths) -> None:
    assert paths.packs_dir.is_dir()  # created to be watched
    personal = paths.personal_pack
    assert "Parcel stuck at customs" not in found(app, "customs")

    write(personal, "personal", "Parcel stuck at customs")
    qtbot.waitUntil(lambda: "Parcel stuck at customs" in found(app, "customs"), timeout=WAIT_MS)
    assert app.library.pack("personal") is not None
    assert "Refund sent today" in found(app, "refund")  # the rest of the library is still there

    write(personal, "personal", "Warehouse fire delays orders")
    qtbot.waitUntil(lambda: "Warehouse fire delays orders" in found(app, "warehouse fire"))
    assert "Parcel stuck at customs" not in found(app, "customs")

    personal.write_text(personal.read_text(encoding="utf-8") + "\n[[templates\n", "utf-8")
    qtbot.waitUntil(lambda: any(kind == "problems" for kind, _ in app.messages.history))
    ((_, text),) = app.messages.history
    assert str(personal) in text
    assert "not valid TOML" in text
    assert "Warehouse fire delays orders" in found(app, "warehouse fire")  # last good one

    personal.unlink()
    qtbot.waitUntil(lambda: app.library.pack("personal") is None, timeout=WAIT_MS)
    assert "Warehouse fire delays orders" not in found(app, "warehouse fire")
    assert len(app.messages.history) == 1  # the broken file was reported once


def test_a_team_pack_landing_next_to_it_is_picked_up(
    qtbot: QtBot, app: TactfulApp, paths: Paths
) -> None:
    write(paths.personal_pack, "personal", "Parcel stuck at customs")
    qtbot.waitUntil(lambda: app.library.pack("personal") is not None, timeout=WAIT_MS)
    write(paths.packs_dir / "team.tactful.toml", "team.cx", "Loyalty points missing")
    qtbot.waitUntil(lambda: "Loyalty points missing" in found(app, "loyalty points"))
    assert "Parcel stuck at customs" in found(app, "customs")


def test_a_pack_id_already_taken_is_reported_and_skipped(
    qtbot: QtBot, app: TactfulApp, paths: Paths
) -> None:
    write(paths.packs_dir / "team.tactful.toml", "test.pack", "Loyalty points missing")
    qtbot.waitUntil(lambda: bool(app.messages.history), timeout=WAIT_MS)
    ((kind, text),) = app.messages.history
    assert kind == "problems"
    assert "'test.pack'" in text
    assert "team.tactful.toml" in text
    assert "Loyalty points missing" not in found(app, "loyalty points")
    assert "Refund sent today" in found(app, "refund")


def test_the_checker_gets_the_team_rules_of_a_new_pack(
    qtbot: QtBot, app: TactfulApp, paths: Paths
) -> None:
    app.open_checker()
    assert app.checker is not None
    rule = '[[tone_rules]]\nid = "no-rma"\nphrases = ["RMA"]\nmessage = "Say return label."\n'
    write(paths.packs_dir / "team.tactful.toml", "team.cx", "Hello", extra=rule)
    qtbot.waitUntil(lambda: app.library.pack("team.cx") is not None, timeout=WAIT_MS)
    app.checker.set_text("Please print the RMA.")
    assert any(f.rule == "no-rma" for f in app.checker.findings())
    app.checker.close()


def test_a_reply_being_filled_in_keeps_its_library_until_done(
    qtbot: QtBot, app: TactfulApp, paths: Paths
) -> None:
    popup = app.popup
    popup.summon()
    popup.search_field.setText("birthday")
    popup.choose()
    assert popup.fillin_open
    write(paths.personal_pack, "personal", "Parcel stuck at customs")
    qtbot.waitUntil(lambda: app.library.pack("personal") is not None, timeout=WAIT_MS)
    assert popup.fillin_open
    assert popup.current_template() is not None
    assert popup.current_template().id == "late-gift"  # type: ignore[union-attr]
    QTest.keyClick(popup.fillin.edit("order_id"), Qt.Key.Key_Escape)
    assert not popup.fillin_open
    qtbot.waitUntil(lambda: "Parcel stuck at customs" in found(app, "customs"), timeout=WAIT_MS)


# -- the watcher on its own ---------------------------------------------------------


def start_watcher(qtbot: QtBot, folder: Path, loader: Loader = read_pack) -> PackWatcher:
    seen = scan(folder)
    library = load_library(user_pack_files(folder))
    _ = library.index
    state = UserPacks.after_load(folder, library, seen)
    watcher = PackWatcher(library, state, settle_ms=20, loader=loader)
    watcher.start()
    qtbot.waitUntil(lambda: not watcher.busy, timeout=WAIT_MS)
    return watcher


def test_a_burst_of_saves_is_read_once(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    reads: list[Path] = []

    def counting(path: Path) -> Pack:
        reads.append(path)
        return read_pack(path)

    watcher = start_watcher(qtbot, folder, loader=counting)
    updates: list[Update] = []
    watcher.updated.connect(updates.append)
    path = folder / "personal.tactful.toml"
    for n in range(5):
        write(path, "personal", f"Version {n}")
    qtbot.waitUntil(lambda: bool(updates), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not watcher.busy, timeout=WAIT_MS)
    assert reads == [path]
    assert [t.title for t in watcher.library.templates] == ["Version 4"]
    # Saved by rename again: still watched.
    write(path, "personal", "Version 5")
    qtbot.waitUntil(
        lambda: [t.title for t in watcher.library.templates] == ["Version 5"], timeout=WAIT_MS
    )
    watcher.close()


def test_a_read_overtaken_by_a_newer_save_is_dropped(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    path = folder / "personal.tactful.toml"

    def saved_again_while_reading(file: Path) -> Pack:
        pack = read_pack(file)
        if pack.templates[0].title == "First draft":
            write(path, "personal", "Second draft, a little longer")
        return pack

    watcher = start_watcher(qtbot, folder, loader=saved_again_while_reading)
    updates: list[Update] = []
    watcher.updated.connect(updates.append)
    write(path, "personal", "First draft")
    qtbot.waitUntil(lambda: bool(updates), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not watcher.busy, timeout=WAIT_MS)
    assert [[t.title for t in u.library.templates] for u in updates] == [
        ["Second draft, a little longer"]
    ]
    watcher.close()


def test_a_removed_packs_folder_is_made_again_and_watched(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    watcher = start_watcher(qtbot, folder)
    assert folder.is_dir()
    path = write(folder / "personal.tactful.toml", "personal", "Kept")
    qtbot.waitUntil(lambda: watcher.library.pack("personal") is not None, timeout=WAIT_MS)
    path.unlink()
    folder.rmdir()
    qtbot.waitUntil(lambda: watcher.library.pack("personal") is None, timeout=WAIT_MS)
    qtbot.waitUntil(folder.is_dir, timeout=WAIT_MS)
    write(folder / "personal.tactful.toml", "personal", "Back again")
    qtbot.waitUntil(lambda: watcher.library.pack("personal") is not None, timeout=WAIT_MS)
    watcher.close()


def test_threads_switch_often_only_while_a_pack_is_read(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    normal = sys.getswitchinterval()
    during: list[float] = []

    def noting(path: Path) -> Pack:
        during.append(sys.getswitchinterval())
        return read_pack(path)

    watcher = start_watcher(qtbot, folder, loader=noting)
    write(folder / "personal.tactful.toml", "personal", "Hello")
    qtbot.waitUntil(lambda: watcher.library.pack("personal") is not None, timeout=WAIT_MS)
    assert during == [SWITCH_INTERVAL_S]
    assert sys.getswitchinterval() == normal
    watcher.close()


def test_a_packs_folder_that_cannot_be_made_is_logged_not_fatal(
    qtbot: QtBot, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be", encoding="utf-8")
    folder = blocker / "packs"
    library = Library([PACK])
    watcher = PackWatcher(library, UserPacks.after_load(folder, library, {}), settle_ms=20)
    watcher.start()
    qtbot.waitUntil(lambda: not watcher.busy, timeout=WAIT_MS)
    assert watcher.library is library
    assert "changes to packs are not noticed" in caplog.text
    watcher.close()
