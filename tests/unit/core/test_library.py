"""The merged library: bundled and user packs, duplicates, broken files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tactful.api import default_pack_files, load_library
from tactful.core.errors import DuplicatePackError, PackValidationError, UnknownTemplateError
from tactful.core.library import user_pack_files
from tactful.paths import Paths
from tactful.resources import bundled_pack_files

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "packs"


def write(path: Path, pack_id: str, template_id: str = "hello", situation: str = "opening") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'format = 1\n[pack]\nid = "{pack_id}"\nname = "N"\nversion = "1.0.0"\n'
        f'[[templates]]\nid = "{template_id}"\ntitle = "T"\nsituation = "{situation}"\n'
        'body = "Hello"\n',
        encoding="utf-8",
    )
    return path


def test_explicit_paths_load_exactly_those(tmp_path: Path) -> None:
    lib = load_library([FIXTURES / "acme.tactful.toml"])
    assert [p.id for p in lib.packs] == ["acme.support"]
    assert lib.get("acme.support/points-missing").situation == "loyalty_points"
    assert "loyalty_points" in lib.situations
    assert "order_late" in lib.situations
    assert [r.text for r in lib.reminders_for("angry_customer")] == [
        "Let them finish venting before you offer the fix.",
        "Breathe before you reply.",
    ]
    assert lib.tone_rules[0].id == "no-rma"


def test_unknown_template_id() -> None:
    lib = load_library([FIXTURES / "acme.tactful.toml"])
    with pytest.raises(UnknownTemplateError, match=r"acme\.support/nope"):
        lib.get("acme.support/nope")


def test_same_template_id_in_two_packs_is_fine(tmp_path: Path) -> None:
    lib = load_library(
        [write(tmp_path / "a.tactful.toml", "team.a"), write(tmp_path / "b.tactful.toml", "team.b")]
    )
    assert {t.full_id for t in lib.templates} == {"team.a/hello", "team.b/hello"}


def test_duplicate_pack_id_names_both_files_and_keeps_the_first(tmp_path: Path) -> None:
    first = write(tmp_path / "a.tactful.toml", "team.same", "one")
    second = write(tmp_path / "b.tactful.toml", "team.same", "two")
    lib = load_library([first, second])
    assert [t.full_id for t in lib.templates] == ["team.same/one"]
    (problem,) = lib.problems
    assert isinstance(problem, DuplicatePackError)
    assert str(first) in str(problem)
    assert str(second) in str(problem)


def test_one_bad_pack_is_reported_and_the_rest_load(tmp_path: Path) -> None:
    good = write(tmp_path / "good.tactful.toml", "team.good")
    bad = write(tmp_path / "bad.tactful.toml", "team.bad", situation="nope")
    lib = load_library([bad, good])
    assert [p.id for p in lib.packs] == ["team.good"]
    (problem,) = lib.problems
    assert isinstance(problem, PackValidationError)
    assert problem.path == bad


def test_user_packs_personal_first(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    write(packs / "aaa.tactful.toml", "team.a")
    write(packs / "personal.tactful.toml", "personal")
    (packs / "notes.txt").write_text("ignored")
    assert [p.name for p in user_pack_files(packs)] == ["personal.tactful.toml", "aaa.tactful.toml"]
    assert user_pack_files(tmp_path / "absent") == []


def test_default_files_are_bundled_then_user(basedir: Path) -> None:
    paths = Paths.for_basedir(basedir)
    personal = write(paths.personal_pack, "personal")
    files = default_pack_files(paths)
    assert files[: len(bundled_pack_files())] == bundled_pack_files()
    assert files[-1] == personal


def test_with_pack_replaces_by_id(tmp_path: Path) -> None:
    lib = load_library([write(tmp_path / "a.tactful.toml", "team.a", "one")])
    from tactful.core.packs import read_pack

    newer = read_pack(write(tmp_path / "a2.tactful.toml", "team.a", "two"))
    updated = lib.with_pack(newer)
    assert [t.full_id for t in updated.templates] == ["team.a/two"]
    assert [t.full_id for t in lib.templates] == ["team.a/one"]


def test_bundled_library_loads_cleanly() -> None:
    lib = load_library(bundled_pack_files())
    assert lib.problems == []
    assert lib.templates


def test_copied_fixture_keeps_loading(tmp_path: Path) -> None:
    target = tmp_path / "acme.tactful.toml"
    shutil.copy(FIXTURES / "acme.tactful.toml", target)
    assert load_library([target]).packs[0].source == target


def test_reminder_texts_lead_with_first_and_drop_repeats(tmp_path: Path) -> None:
    lib = load_library([FIXTURES / "acme.tactful.toml"])
    gift = lib.get("acme.support/late-birthday-gift")
    texts = lib.reminder_texts(gift, first=["Let them vent before you offer the fix.", ""])
    assert texts == [
        "Let them vent before you offer the fix.",
        "Name the occasion, not just the parcel.",
        "Offer something concrete.",
        "Breathe before you reply.",
    ]
    angry = lib.reminder_texts(gift, first=["Name the  occasion, not just the PARCEL."])
    assert angry[0] == "Name the  occasion, not just the PARCEL."
    assert "Name the occasion, not just the parcel." not in angry
