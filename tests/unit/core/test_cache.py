"""The library cache: hits, invalidation by any change, corrupt entries, atomic writes."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from tactful.core import cache as cache_module
from tactful.core.cache import CachedLibrary, LibraryCache
from tactful.core.library import load_library


def write_pack(path: Path, pack_id: str, title: str = "Order late", extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'format = 1\n[pack]\nid = "{pack_id}"\nname = "N"\nversion = "1.0.0"\n'
        f'[[templates]]\nid = "t"\ntitle = "{title}"\nsituation = "order_late"\n'
        f'body = "Sorry it is late.{extra}"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
def packs(tmp_path: Path) -> list[Path]:
    return [
        write_pack(tmp_path / "packs" / "a.tactful.toml", "alpha"),
        write_pack(tmp_path / "packs" / "b.tactful.toml", "beta", "Refund issued"),
    ]


def entries(directory: Path) -> list[Path]:
    return sorted(directory.glob("library-*.pickle"))


def test_second_load_comes_from_the_cache(
    tmp_path: Path, packs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = LibraryCache(tmp_path / "cache")
    first = load_library(packs, cache=cache)
    assert len(entries(cache.directory)) == 1

    def no_parsing(data: bytes, *, path: Path | None = None) -> None:
        raise AssertionError(f"parsed {path} despite a warm cache")

    monkeypatch.setattr("tactful.core.packs.parse_pack_bytes", no_parsing)
    second = load_library(packs, cache=cache)
    assert [t.full_id for t in second.templates] == [t.full_id for t in first.templates]
    assert second.search("refund")[0].template.full_id == "beta/t"
    assert second.search("late")[0].template.full_id == "alpha/t"


@pytest.mark.parametrize("change", ["content", "same-size content", "touch", "rename", "add"])
def test_any_change_of_a_pack_file_is_a_miss(
    tmp_path: Path, packs: list[Path], change: str
) -> None:
    cache = LibraryCache(tmp_path / "cache")
    load_library(packs, cache=cache)
    before = cache.key(packs)
    files = list(packs)
    if change == "content":
        write_pack(packs[1], "beta", "Money back now")
    elif change == "same-size content":
        stat = packs[1].stat()
        write_pack(packs[1], "beta", "Refund issuef")
        os.utime(packs[1], ns=(stat.st_atime_ns, stat.st_mtime_ns))
    elif change == "touch":
        stat = packs[1].stat()
        os.utime(packs[1], ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000))
    elif change == "rename":
        files[1] = packs[1].rename(packs[1].with_name("c.tactful.toml"))
    else:
        files.append(write_pack(tmp_path / "packs" / "d.tactful.toml", "delta", "Parcel lost"))
    assert cache.key(files) != before
    library = load_library(files, cache=cache)
    if change == "content":
        assert library.search("money back")[0].template.full_id == "beta/t"
    if change == "add":
        assert "delta/t" in {t.full_id for t in library.templates}
    assert len(entries(cache.directory)) == 1  # the stale entry was replaced


def test_a_missing_file_is_not_cached(tmp_path: Path, packs: list[Path]) -> None:
    cache = LibraryCache(tmp_path / "cache")
    assert cache.key([*packs, tmp_path / "gone.tactful.toml"]) is None


def test_a_library_with_problems_is_not_cached(tmp_path: Path, packs: list[Path]) -> None:
    broken = tmp_path / "packs" / "broken.tactful.toml"
    broken.write_text("format = 1\n[pack\n", encoding="utf-8")
    cache = LibraryCache(tmp_path / "cache")
    library = load_library([*packs, broken], cache=cache)
    assert library.problems
    assert entries(cache.directory) == []
    # And the problem is reported again on the next load.
    assert load_library([*packs, broken], cache=cache).problems


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"not a cache at all",
        cache_module.MAGIC + b"wrong-key\n" + b"x",
        None,  # right header, cut-short pickle
        "wrong type",
    ],
)
def test_a_corrupt_entry_is_ignored_and_rebuilt(
    tmp_path: Path, packs: list[Path], damage: bytes | str | None
) -> None:
    cache = LibraryCache(tmp_path / "cache")
    load_library(packs, cache=cache)
    key = cache.key(packs)
    assert key is not None
    [entry] = entries(cache.directory)
    header = cache_module.MAGIC + key.encode() + b"\n"
    if damage is None:
        entry.write_bytes(entry.read_bytes()[: len(header) + 40])
    elif damage == "wrong type":
        entry.write_bytes(header + pickle.dumps({"not": "a library"}))
    else:
        assert isinstance(damage, bytes)
        entry.write_bytes(damage)
    assert cache.load(key) is None
    library = load_library(packs, cache=cache)
    assert library.search("refund")[0].template.full_id == "beta/t"
    assert isinstance(cache.load(key), CachedLibrary)


def test_safe_to_delete(tmp_path: Path, packs: list[Path]) -> None:
    cache = LibraryCache(tmp_path / "cache")
    load_library(packs, cache=cache)
    cache.clear()
    assert entries(cache.directory) == []
    assert len(load_library(packs, cache=cache).templates) == 2
    assert len(entries(cache.directory)) == 1


def test_writes_are_atomic(
    tmp_path: Path, packs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = LibraryCache(tmp_path / "cache")
    library = load_library(packs, cache=cache)
    key = cache.key(packs)
    assert key is not None
    [entry] = entries(cache.directory)
    good = entry.read_bytes()

    def failing_replace(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(cache_module.os, "replace", failing_replace)
    cache.store(key, CachedLibrary(library.packs, library.index))
    assert entry.read_bytes() == good  # the old entry is intact
    assert [p.name for p in cache.directory.iterdir()] == [entry.name]  # no temp file left


def test_an_unwritable_cache_only_costs_speed(tmp_path: Path, packs: list[Path]) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    library = load_library(packs, cache=LibraryCache(blocker))
    assert len(library.templates) == 2


def test_cli_search_uses_the_cache(tmp_path: Path) -> None:
    import subprocess
    import sys

    base = tmp_path / "base"
    write_pack(base / "data" / "packs" / "mine.tactful.toml", "mine", "Birthday gift late")
    command = [sys.executable, "-m", "tactful", "--basedir", str(base), "search", "--json"]
    for _ in range(2):
        done = subprocess.run(
            [*command, "birthday gift"], capture_output=True, text=True, timeout=120, check=False
        )
        assert done.returncode == 0, done.stderr
        assert '"mine/t"' in done.stdout
    assert len(entries(base / "cache")) == 1


def test_the_key_covers_every_module_that_shapes_the_index() -> None:
    import ast

    core = Path(cache_module.__file__).resolve().parent
    wanted = {"search"}
    seen: set[str] = set()
    while wanted:
        name = wanted.pop()
        seen.add(name)
        tree = ast.parse((core / f"{name}.py").read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tactful.core."):
                module = (node.module or "").rsplit(".", 1)[1]
                if module not in seen and (core / f"{module}.py").is_file():
                    wanted.add(module)
            if isinstance(node, ast.ImportFrom) and node.module == "tactful.core":
                wanted.update(a.name for a in node.names if a.name not in seen)
    assert seen - {"errors"} <= set(cache_module._SHAPING_MODULES)


def test_a_pack_changed_during_the_load_is_not_cached_under_the_old_key(
    tmp_path: Path, packs: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tactful.core import library as library_module

    real_load_packs = library_module.load_packs

    def load_then_edit(files: list[Path], loader: object) -> object:
        loaded = real_load_packs(files, loader)  # type: ignore[arg-type]
        write_pack(packs[0], "alpha", "Order changed meanwhile")
        return loaded

    cache = LibraryCache(tmp_path / "cache")
    monkeypatch.setattr(library_module, "load_packs", load_then_edit)
    during = load_library(packs, cache=cache)
    assert during.get("alpha/t").title == "Order late"  # what was read, whole
    assert entries(cache.directory) == []  # but not remembered as the current state
    monkeypatch.setattr(library_module, "load_packs", real_load_packs)
    after = load_library(packs, cache=cache)
    assert after.get("alpha/t").title == "Order changed meanwhile"
