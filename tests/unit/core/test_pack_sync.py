"""Bringing a library up to date with changed pack files: what changed, last good packs, ids."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tactful.core.errors import DuplicatePackError, PackError, PackSyntaxError
from tactful.core.library import Library, load_library, user_pack_files
from tactful.core.model import Situation
from tactful.core.pack_sync import (
    Fingerprint,
    PackChanges,
    Update,
    UserPacks,
    diff,
    fingerprint,
    read_changes,
    scan,
    update_library,
)
from tactful.core.packs import read_pack

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "packs" / "acme.tactful.toml"
QUERIES = ["order late", "refund", "loyalty points", "birthday gift", "parcel", "wallet top up"]


def write(
    path: Path,
    pack_id: str,
    titles: list[str],
    *,
    situation: str = "order_late",
    extra: str = "",
) -> Path:
    """A pack file (written whole, then moved into place as careful editors do)."""
    lines = [f'format = 1\n[pack]\nid = "{pack_id}"\nname = "N"\nversion = "1.0.0"\n{extra}']
    for n, title in enumerate(titles):
        lines.append(
            f'[[templates]]\nid = "t{n}"\ntitle = "{title}"\nsituation = "{situation}"\n'
            f'body = "About {title.lower()}."\n'
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(path.name + ".part")
    temp.write_text("".join(lines), encoding="utf-8")
    os.replace(temp, path)
    return path


def start(folder: Path) -> tuple[Library, UserPacks]:
    """A library as the app loads it: fixed packs, then the folder's files; index built."""
    seen = scan(folder)
    library = load_library([FIXTURE, *user_pack_files(folder)])
    _ = library.index
    return library, UserPacks.after_load(folder, library, seen)


def fresh(folder: Path) -> Library:
    """What a new start would load now."""
    return load_library([FIXTURE, *user_pack_files(folder)])


def assert_like_a_fresh_start(library: Library, folder: Path) -> None:
    rebuilt = fresh(folder)
    assert [p.id for p in library.packs] == [p.id for p in rebuilt.packs]
    assert [t.full_id for t in library.templates] == [t.full_id for t in rebuilt.templates]
    assert library.situations == rebuilt.situations
    for query in QUERIES:
        assert library.search(query, limit=20) == rebuilt.search(query, limit=20), query


def titles(library: Library, query: str) -> list[str]:
    return [hit.template.title for hit in library.search(query, limit=20)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    packs = tmp_path / "packs"
    packs.mkdir()
    return packs


# -- what changed -------------------------------------------------------------


def test_diff_names_added_changed_and_removed_files() -> None:
    a, b, c, d = (Path(f"/p/{n}.tactful.toml") for n in "abcd")
    before = {a: Fingerprint(1, 10, 1), b: Fingerprint(2, 20, 2), c: Fingerprint(3, 30, 3)}
    now = {
        a: Fingerprint(1, 10, 1),
        b: Fingerprint(2, 21, 2),
        c: Fingerprint(3, 30, 4),
        d: Fingerprint(4, 40, 5),
    }
    assert diff(before, now) == PackChanges(added=(d,), changed=(b, c), removed=())
    assert diff(now, before) == PackChanges(added=(), changed=(b, c), removed=(d,))
    assert not diff(before, dict(before))
    assert diff(before, {}).removed == (a, b, c)


def test_scan_lists_pack_files_in_load_order_with_fingerprints(folder: Path) -> None:
    team = write(folder / "team.tactful.toml", "team.a", ["Hello"])
    personal = write(folder / "personal.tactful.toml", "personal", ["Hi"])
    (folder / "notes.txt").write_text("not a pack", encoding="utf-8")
    found = scan(folder)
    assert list(found) == [personal, team]
    assert found[team] == fingerprint(team)
    assert found[team].size == team.stat().st_size
    assert fingerprint(folder / "gone.tactful.toml") is None
    assert scan(folder / "absent") == {}


def test_a_same_size_edit_is_seen_by_its_modification_time(folder: Path) -> None:
    path = write(folder / "personal.tactful.toml", "personal", ["Order late"])
    before = scan(folder)
    path.write_text(path.read_text(encoding="utf-8").replace("late", "LATE"), encoding="utf-8")
    mark = before[path]
    os.utime(path, ns=(mark.mtime_ns + 1_000_000, mark.mtime_ns + 1_000_000))
    assert diff(before, scan(folder)).changed == (path,)


# -- applying changes ---------------------------------------------------------


def test_nothing_changed_keeps_the_same_library(folder: Path) -> None:
    write(folder / "personal.tactful.toml", "personal", ["Order late again"])
    library, state = start(folder)
    update = update_library(library, state)
    assert update.library is library
    assert not update.changes
    assert update.problems == ()


def test_an_added_pack_is_found(folder: Path) -> None:
    library, state = start(folder)
    path = write(folder / "personal.tactful.toml", "personal", ["Wallet top up not credited"])
    update = update_library(library, state)
    assert update.changes.added == (path,)
    assert update.problems == ()
    assert "Wallet top up not credited" in titles(update.library, "wallet top up")
    assert "Wallet top up not credited" not in titles(library, "wallet top up")  # old unchanged
    assert_like_a_fresh_start(update.library, folder)


def test_a_changed_pack_replaces_the_old_templates(folder: Path) -> None:
    path = write(folder / "personal.tactful.toml", "personal", ["Parcel stuck in customs"])
    write(folder / "team.tactful.toml", "team.a", ["Order late apology"])
    library, state = start(folder)
    write(path, "personal", ["Refund on its way", "Order late, new date"])
    update = update_library(library, state)
    assert update.changes.changed == (path,)
    assert "Refund on its way" in titles(update.library, "refund")
    assert "Parcel stuck in customs" not in titles(update.library, "parcel customs")
    assert_like_a_fresh_start(update.library, folder)


def test_a_removed_pack_is_gone(folder: Path) -> None:
    path = write(folder / "personal.tactful.toml", "personal", ["Parcel stuck in customs"])
    write(folder / "team.tactful.toml", "team.a", ["Order late apology"])
    library, state = start(folder)
    path.unlink()
    update = update_library(library, state)
    assert update.changes.removed == (path,)
    assert update.library.pack("personal") is None
    assert "Parcel stuck in customs" not in titles(update.library, "parcel customs")
    assert_like_a_fresh_start(update.library, folder)


def test_a_broken_edit_is_reported_and_the_last_good_pack_stays(folder: Path) -> None:
    path = write(folder / "personal.tactful.toml", "personal", ["Parcel stuck in customs"])
    library, state = start(folder)
    path.write_text(path.read_text(encoding="utf-8") + "\n[[templates\n", encoding="utf-8")
    update = update_library(library, state)
    (problem,) = update.problems
    assert isinstance(problem, PackSyntaxError)
    assert problem.path == path
    assert str(path) in str(problem)
    assert "Parcel stuck in customs" in titles(update.library, "parcel customs")
    assert update.library.problems == [problem]
    # Reported once: the same broken file is not read (or reported) again.
    again = update_library(update.library, update.state)
    assert again.problems == ()
    assert again.library is update.library
    # Fixed: the new version replaces the last good one; the problem is settled.
    write(path, "personal", ["Refund on its way"])
    fixed = update_library(again.library, again.state)
    assert fixed.problems == ()
    assert fixed.library.problems == []
    assert "Parcel stuck in customs" not in titles(fixed.library, "parcel customs")
    assert_like_a_fresh_start(fixed.library, folder)


def test_a_broken_new_file_is_reported_and_adds_nothing(folder: Path) -> None:
    library, state = start(folder)
    path = write(folder / "team.tactful.toml", "team.a", ["Hello"], situation="no_such")
    update = update_library(library, state)
    (problem,) = update.problems
    assert isinstance(problem, PackError)
    assert problem.path == path
    assert [p.id for p in update.library.packs] == [p.id for p in library.packs]


def test_a_broken_then_removed_file_takes_its_last_good_pack_with_it(folder: Path) -> None:
    path = write(folder / "team.tactful.toml", "team.a", ["Order late apology"])
    library, state = start(folder)
    path.write_text("format = 1\n[pack\n", encoding="utf-8")
    broken = update_library(library, state)
    assert broken.library.pack("team.a") is not None
    path.unlink()
    gone = update_library(broken.library, broken.state)
    assert gone.library.pack("team.a") is None
    assert gone.library.problems == []


def test_a_taken_pack_id_is_reported_and_skipped(folder: Path) -> None:
    first = write(folder / "a.tactful.toml", "team.same", ["Order late apology"])
    library, state = start(folder)
    second = write(folder / "b.tactful.toml", "team.same", ["Refund on its way"])
    update = update_library(library, state)
    (problem,) = update.problems
    assert isinstance(problem, DuplicatePackError)
    assert str(first) in str(problem)
    assert str(second) in str(problem)
    assert "Refund on its way" not in titles(update.library, "refund")
    assert_like_a_fresh_start(update.library, folder)
    # When the first file goes, the second one loads.
    first.unlink()
    after = update_library(update.library, update.state)
    assert after.problems == ()
    assert "Refund on its way" in titles(after.library, "refund")
    assert after.library.problems == []
    assert_like_a_fresh_start(after.library, folder)


def test_a_user_pack_cannot_take_a_bundled_pack_id(folder: Path) -> None:
    library, state = start(folder)
    path = write(folder / "team.tactful.toml", "acme.support", ["Refund on its way"])
    update = update_library(library, state)
    (problem,) = update.problems
    assert isinstance(problem, DuplicatePackError)
    assert str(FIXTURE) in str(problem)
    assert str(path) in str(problem)
    assert update.library.pack("acme.support") is library.pack("acme.support")


def test_a_file_skipped_at_start_for_its_id_loads_when_the_other_goes(folder: Path) -> None:
    first = write(folder / "a.tactful.toml", "team.same", ["Order late apology"])
    write(folder / "b.tactful.toml", "team.same", ["Refund on its way"])
    library, state = start(folder)
    assert any(isinstance(p, DuplicatePackError) for p in library.problems)
    first.unlink()
    update = update_library(library, state)
    assert "Refund on its way" in titles(update.library, "refund")
    assert update.library.problems == []
    assert_like_a_fresh_start(update.library, folder)


def test_a_file_changed_during_the_load_is_read_again(folder: Path) -> None:
    path = write(folder / "personal.tactful.toml", "personal", ["Parcel stuck in customs"])
    seen = scan(folder)
    write(path, "personal", ["Refund on its way, really"])  # changed while loading
    library = load_library([FIXTURE, *user_pack_files(folder)])
    state = UserPacks.after_load(folder, library, seen)
    update = update_library(library, state)
    assert update.changes.changed == (path,)
    assert_like_a_fresh_start(update.library, folder)


def test_several_changes_at_once_equal_a_fresh_start(folder: Path) -> None:
    loyalty = '[[situations]]\nid = "loyalty"\nname = "Loyalty"\nkeywords = ["points"]\n'
    keep = write(
        folder / "keep.tactful.toml", "team.keep", ["Points"], situation="loyalty", extra=loyalty
    )
    write(folder / "personal.tactful.toml", "personal", ["Order late apology"])
    gone = write(folder / "zzz.tactful.toml", "team.gone", ["Refund issued"])
    library, state = start(folder)
    # A pack loaded earlier now defines the situation "loyalty" differently.
    write(
        folder / "aaa.tactful.toml",
        "team.new",
        ["Stamps"],
        situation="loyalty",
        extra=loyalty.replace("points", "stamps"),
    )
    write(folder / "personal.tactful.toml", "personal", ["Charged twice"])
    gone.unlink()
    update = update_library(library, state)
    assert update.changes.removed == (gone,)
    assert len(update.changes.to_read) == 2
    assert update.library.situations["loyalty"].keywords == ("stamps",)
    assert update.library.pack("team.keep") is library.pack("team.keep")
    assert keep in update.state.good
    assert_like_a_fresh_start(update.library, folder)


def test_reading_is_separate_from_applying(folder: Path) -> None:
    library, state = start(folder)
    path = write(folder / "personal.tactful.toml", "personal", ["Order late apology"])
    reading = read_changes(state)
    assert reading.changes.added == (path,)
    assert reading.read[path] == read_pack(path)
    assert library.pack("personal") is None  # nothing applied yet


def test_update_is_immutable_state(folder: Path) -> None:
    library, state = start(folder)
    write(folder / "personal.tactful.toml", "personal", ["Order late apology"])
    update = update_library(library, state)
    assert isinstance(update, Update)
    assert state.seen == {}  # the old state is untouched
    assert update.state.seen == scan(folder)


# -- Library.without_pack and with_packs ------------------------------------------


def test_without_pack_equals_a_rebuild(folder: Path) -> None:
    write(folder / "personal.tactful.toml", "personal", ["Order late apology"])
    library, _ = start(folder)
    smaller = library.without_pack("personal")
    assert smaller.pack("personal") is None
    rebuilt = load_library([FIXTURE])
    for query in QUERIES:
        assert smaller.search(query, limit=20) == rebuilt.search(query, limit=20)
    assert library.without_pack("no.such").templates == library.templates


def test_with_packs_in_a_new_order_moves_situation_definitions(folder: Path) -> None:
    first = read_pack(
        write(
            folder / "a.tactful.toml",
            "team.a",
            ["Hello"],
            situation="x",
            extra='[[situations]]\nid = "x"\nname = "Stamps"\n',
        )
    )
    second = read_pack(
        write(
            folder / "b.tactful.toml",
            "team.b",
            ["World"],
            situation="x",
            extra='[[situations]]\nid = "x"\nname = "Points"\n',
        )
    )
    library = Library([first, second])
    _ = library.index
    swapped = library.with_packs([second, first])
    assert swapped.situations["x"] == Situation("x", "Points")
    rebuilt = Library([second, first])
    for query in ("points", "stamps", "hello"):
        assert swapped.search(query) == rebuilt.search(query)
