"""The usage store: recording, frecency, favourites, migrations, two writers, bad files."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from tactful.core.errors import UsageError
from tactful.core.model import Template
from tactful.core.search import BOOST_LIMIT, SearchIndex
from tactful.core.situations import STANDARD_SITUATIONS
from tactful.core.usage import SCHEMA_VERSION, UsageStore

DAY = 86_400.0


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def test_record_and_count(tmp_path: Path) -> None:
    store = UsageStore(tmp_path / "state" / "usage.sqlite3")
    store.record("p/a", "paste")
    store.record("p/a", "copy")
    store.record("p/b", "render")
    assert store.counts() == {"p/a": 2, "p/b": 1}
    assert store.active
    store.close()
    # Reopens on the next use; the data stayed.
    assert store.counts() == {"p/a": 2, "p/b": 1}


def test_unknown_kind_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        UsageStore(tmp_path / "u.sqlite3").record("p/a", "print")


def test_schema_version_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "u.sqlite3"
    UsageStore(path).record("p/a")
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_frecency_is_bounded_and_prefers_recent_and_frequent(tmp_path: Path) -> None:
    clock = Clock()
    store = UsageStore(tmp_path / "u.sqlite3", clock=clock)
    store.record("p/old")
    clock.now += 60 * DAY
    store.record("p/once")
    for _ in range(50):
        store.record("p/daily")
    lifts = store.frecency()
    assert set(lifts) == {"p/old", "p/once", "p/daily"}
    assert all(0.0 < lift <= 1.0 for lift in lifts.values())
    assert lifts["p/daily"] > lifts["p/once"] > lifts["p/old"]
    assert lifts["p/once"] < 0.5  # used once: a small lift
    assert lifts["p/daily"] > 0.99
    clock.now += 365 * DAY
    assert max(store.frecency().values()) < 0.01


def test_favourites(tmp_path: Path) -> None:
    store = UsageStore(tmp_path / "u.sqlite3")
    store.set_favourite("p/a")
    store.set_favourite("p/a")
    store.set_favourite("p/b")
    store.set_favourite("p/b", False)
    assert store.favourites() == {"p/a"}
    boosts = store.boosts()
    assert 0.0 < boosts["p/a"] <= 1.0
    for _ in range(100):
        store.record("p/a")
    assert store.boosts()["p/a"] == 1.0


def _writer(path: str, name: str, count: int) -> None:
    store = UsageStore(Path(path))
    for n in range(count):
        store.record(f"p/{name}{n % 7}", "paste")
        if n % 10 == 0:
            store.set_favourite(f"p/{name}", n % 20 == 0)
    if store.error is not None:
        raise SystemExit(str(store.error))


@pytest.mark.parametrize("round_", range(4))  # each round opens a new database: the racy part
def test_two_processes_writing_at_once(tmp_path: Path, round_: int) -> None:
    path = tmp_path / "usage.sqlite3"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), name, 300)) for name in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    counts = UsageStore(path).counts()
    assert sum(counts.values()) == 600
    assert sum(v for k, v in counts.items() if k.startswith("p/a")) == 300


def test_corrupt_database_is_reported_once_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    junk = b"this is not a database, but it is someone's file\n" * 100
    path.write_bytes(junk)
    seen: list[UsageError] = []
    store = UsageStore(path, on_error=seen.append)
    store.record("p/a")
    assert store.frecency() == {}
    assert store.favourites() == set()
    store.set_favourite("p/a")
    assert len(seen) == 1
    assert store.error is seen[0]
    assert str(path) in str(seen[0])
    assert not store.active
    assert path.read_bytes() == junk
    # Search carries on: no boosts, same ranking.
    template = Template(id="a", title="Order late", situation="order_late", body="Sorry.")
    index = SearchIndex.build([template], {s.id: s for s in STANDARD_SITUATIONS})
    assert [h.template.id for h in index.search("order", boosts=store.boosts())] == ["a"]


def test_newer_schema_is_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = path.read_bytes()
    seen: list[UsageError] = []
    store = UsageStore(path, on_error=seen.append)
    store.record("p/a")
    assert store.counts() == {}
    assert len(seen) == 1
    assert "newer" in str(seen[0])
    assert path.read_bytes() == before


def test_locked_database_makes_the_store_inert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("tactful.core.usage.BUSY_TIMEOUT_S", 0.1)
    path = tmp_path / "usage.sqlite3"
    UsageStore(path).record("p/a")
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    seen: list[UsageError] = []
    store = UsageStore(path, on_error=seen.append)
    store.record("p/b")
    store.record("p/c")
    holder.execute("ROLLBACK")
    holder.close()
    assert len(seen) == 1
    assert "locked" in str(seen[0])
    assert UsageStore(path).counts() == {"p/a": 1}


def test_boost_from_one_use_cannot_bury_a_much_better_match(tmp_path: Path) -> None:
    store = UsageStore(tmp_path / "u.sqlite3")
    store.record("p/weak")
    situations = {s.id: s for s in STANDARD_SITUATIONS}
    strong = Template(
        id="strong",
        title="Refund issued",
        situation="refund_request",
        body="Refund refund.",
        pack_id="p",
    )
    weak = Template(
        id="weak", title="Hello", situation="opening", body="A refund note.", pack_id="p"
    )
    index = SearchIndex.build([strong, weak], situations)
    plain = index.search("refund")
    boosted = index.search("refund", boosts=store.boosts())
    assert [h.template.id for h in boosted] == ["strong", "weak"]
    assert boosted[1].score <= plain[1].score * (1 + BOOST_LIMIT) + 1e-9
    assert boosted[1].score > plain[1].score
