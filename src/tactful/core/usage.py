"""Use counts, recency and favourites, kept in SQLite (``<state>/usage.sqlite3``).

Every paste, copy or ``tactful render`` of a template is one row in ``uses``;
favourites are rows in ``favourites``. From them ``frecency`` gives each
template a lift in [0, 1]: recent uses count more than old ones (the weight
of a use halves every ``half_life_days``), and the total saturates, so a
template used once gets a small lift and one used every day a large one.
Search bounds what a lift can do (``search.BOOST_LIMIT``).

The database runs in WAL mode with a busy timeout, so the tray app and a
``tactful render`` in a terminal can write at the same time. Its schema has a
version (``PRAGMA user_version``) and explicit migrations. When the file is
corrupt, locked for too long, or from a newer Tactful, the problem is reported
once (logged, handed to ``on_error``, kept in ``error``) and the store goes
inert: it records nothing and lifts nothing, and search carries on without
it. The file itself is never deleted or overwritten.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tactful.core.errors import UsageError

_log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
"""The newest schema this app writes."""

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE uses (
            id INTEGER PRIMARY KEY,
            template TEXT NOT NULL,
            kind TEXT NOT NULL,
            at REAL NOT NULL
        )""",
        "CREATE INDEX uses_by_time ON uses (at)",
        """CREATE TABLE favourites (
            template TEXT PRIMARY KEY,
            since REAL NOT NULL
        )""",
    ),
}
"""Statements that bring the schema from version ``n - 1`` to ``n``."""

KINDS: dict[str, float] = {"paste": 1.0, "copy": 0.8, "render": 0.5}
"""The kinds of use and how much each counts."""
HALF_LIFE_DAYS = 14.0
"""A use counts half as much after this many days."""
SATURATION = 3.0
"""Recent weighted uses at which the lift reaches 1 - 1/e (about 0.63)."""
FAVOURITE_LIFT = 0.6
"""The lift a favourite gets on top of its frecency (the sum is capped at 1)."""
HISTORY_LIMIT = 20_000
"""Only the most recent uses are read."""
BUSY_TIMEOUT_S = 5.0
"""How long a write waits for another process before the database counts as locked."""


class UsageStore:
    """The usage database of one Tactful instance.

    Attributes:
        path: The database file.
        error: The problem that made the store inert, if any.
    """

    def __init__(
        self,
        path: Path,
        *,
        on_error: Callable[[UsageError], None] | None = None,
        clock: Callable[[], float] = time.time,
        half_life_days: float = HALF_LIFE_DAYS,
    ) -> None:
        self.path = path
        self.error: UsageError | None = None
        self._on_error = on_error
        self._clock = clock
        self._half_life_s = half_life_days * 86_400.0
        self._db: sqlite3.Connection | None = None

    # -- connection and schema ---------------------------------------------------

    def _fail(self, action: str, exc: BaseException) -> None:
        if self.error is not None:
            return
        self.error = UsageError(
            f"{self.path}: cannot {action} the usage statistics ({exc}); "
            "Tactful carries on without them, and the file was left as it is"
        )
        _log.warning("%s", self.error)
        self.close()
        if self._on_error is not None:
            self._on_error(self.error)

    def _connect(self) -> sqlite3.Connection | None:
        if self.error is not None:
            return None
        if self._db is not None:
            return self._db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._check_version(db)
            _enable_wal(db)
            # In WAL mode NORMAL cannot corrupt the file; it only skips an fsync per use.
            db.execute("PRAGMA synchronous = NORMAL")
            self._migrate(db)
        except BaseException:
            db.close()
            raise
        self._db = db
        return db

    @staticmethod
    def _check_version(db: sqlite3.Connection) -> int:
        """The schema version; a newer one than this app knows is an error (file untouched)."""
        version = int(db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"schema version {version} is newer than this Tactful knows ({SCHEMA_VERSION})"
            )
        return version

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = self._check_version(db)
        if version == SCHEMA_VERSION:
            return
        db.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while this one waited for the lock.
            version = int(db.execute("PRAGMA user_version").fetchone()[0])
            for target in range(version + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[target]:
                    db.execute(statement)
                db.execute(f"PRAGMA user_version = {target}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    @contextmanager
    def _session(self, action: str) -> Iterator[sqlite3.Connection | None]:
        """The connection, or None when inert; a database error makes the store inert."""
        try:
            db = self._connect()
        except (sqlite3.Error, OSError) as exc:
            self._fail(action, exc)
            db = None
        try:
            yield db
        except (sqlite3.Error, OSError) as exc:
            self._fail(action, exc)

    def close(self) -> None:
        """Close the database (it reopens on the next use unless the store is inert)."""
        if self._db is not None:
            self._db.close()
            self._db = None

    @property
    def active(self) -> bool:
        """Whether the store still records and lifts (no error so far)."""
        return self.error is None

    # -- writing --------------------------------------------------------------------

    def record(self, full_id: str, kind: str = "paste") -> None:
        """Record one use of a template (``kind``: paste, copy or render).

        Raises:
            ValueError: For an unknown kind (a programming error, not a user one).
        """
        if kind not in KINDS:
            raise ValueError(f"unknown kind of use {kind!r}; expected one of {sorted(KINDS)}")
        with self._session("write") as db:
            if db is not None:
                db.execute(
                    "INSERT INTO uses (template, kind, at) VALUES (?, ?, ?)",
                    (full_id, kind, self._clock()),
                )

    def set_favourite(self, full_id: str, favourite: bool = True) -> None:
        """Mark or unmark a template as a favourite."""
        with self._session("write") as db:
            if db is None:
                return
            if favourite:
                db.execute(
                    "INSERT OR IGNORE INTO favourites (template, since) VALUES (?, ?)",
                    (full_id, self._clock()),
                )
            else:
                db.execute("DELETE FROM favourites WHERE template = ?", (full_id,))

    # -- reading --------------------------------------------------------------------

    def favourites(self) -> set[str]:
        """The full ids of the favourite templates."""
        with self._session("read") as db:
            if db is not None:
                return {row[0] for row in db.execute("SELECT template FROM favourites")}
        return set()

    def counts(self) -> dict[str, int]:
        """How often each template was used, all time."""
        with self._session("read") as db:
            if db is not None:
                rows = db.execute("SELECT template, COUNT(*) FROM uses GROUP BY template")
                return {template: int(count) for template, count in rows}
        return {}

    def frecency(self) -> dict[str, float]:
        """Each used template's lift in [0, 1] from how often and how recently it was used."""
        with self._session("read") as db:
            if db is None:
                return {}
            rows = db.execute(
                "SELECT template, kind, at FROM uses ORDER BY at DESC LIMIT ?",
                (HISTORY_LIMIT,),
            ).fetchall()
            now = self._clock()
            weights: dict[str, float] = {}
            for template, kind, at in rows:
                age = max(now - float(at), 0.0)
                weight = KINDS.get(str(kind), 0.5) * 0.5 ** (age / self._half_life_s)
                weights[template] = weights.get(template, 0.0) + weight
            return {
                template: 1.0 - math.exp(-total / SATURATION)
                for template, total in weights.items()
                if total > 0.0
            }
        return {}

    def boosts(self) -> dict[str, float]:
        """Frecency plus the favourite lift, capped at 1: what search takes as ``boosts``."""
        lifts = self.frecency()
        for template in self.favourites():
            lifts[template] = min(1.0, lifts.get(template, 0.0) + FAVOURITE_LIFT)
        return lifts


def _enable_wal(db: sqlite3.Connection) -> None:
    """Switch the file to WAL once, waiting out another process doing the same.

    Changing the journal mode needs the file to itself, and SQLite answers
    "database is locked" at once instead of calling the busy handler when two
    processes open a new database together; so wait here, as long as any
    other write would.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            if str(db.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal":
                return
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.1)
