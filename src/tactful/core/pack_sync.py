"""Bringing a loaded library up to date with the user's pack files on disk.

The app loads the library once; afterwards the agent edits the personal pack,
or a team pack lands in ``<data>/packs``. This module decides what changed
(files added, changed or removed, told apart by a cheap fingerprint: size,
modification time in nanoseconds and inode), reads only those files again, and
derives the new library from the old one, so the search index is updated for
the packs that changed only (`Library.with_packs`).

The result is what a fresh start would load, with one difference that loses
nothing: a file that was good and is now broken is reported, and its last good
version stays in the library until the file is fixed or removed. A file whose
pack id is already taken by a pack loaded before it (in the order of a start:
bundled, personal, then by name) is reported and skipped, as at start. Bundled
packs never change while the app runs.

No Qt here. A watcher calls `read_changes` (the slow part: it parses; fine on a
worker thread, all inputs are immutable) and then `apply_changes`, which also
updates the index; `scan` alone is cheap, for checking whether the files
changed again meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tactful.core.errors import DuplicatePackError, PackError, TactfulError
from tactful.core.library import Library, user_pack_files
from tactful.core.model import Pack
from tactful.core.packs import Loader, read_pack


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What a file looked like on disk; a new one means it must be read again."""

    size: int
    mtime_ns: int
    inode: int


def fingerprint(path: Path) -> Fingerprint | None:
    """The fingerprint of ``path`` now, or ``None`` when it is gone."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return Fingerprint(stat.st_size, stat.st_mtime_ns, stat.st_ino)


def scan(packs_dir: Path) -> dict[Path, Fingerprint]:
    """The user's pack files now on disk with their fingerprints, in load order."""
    found: dict[Path, Fingerprint] = {}
    for path in user_pack_files(packs_dir):
        mark = fingerprint(path)
        if mark is not None:
            found[path] = mark
    return found


@dataclass(frozen=True, slots=True)
class PackChanges:
    """Which pack files appeared, changed or disappeared since they were last read."""

    added: tuple[Path, ...] = ()
    changed: tuple[Path, ...] = ()
    removed: tuple[Path, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def to_read(self) -> tuple[Path, ...]:
        """The files to read again: the added and the changed ones."""
        return self.added + self.changed


def diff(before: Mapping[Path, Fingerprint], now: Mapping[Path, Fingerprint]) -> PackChanges:
    """What changed from ``before`` to ``now`` (each a file to fingerprint mapping)."""
    return PackChanges(
        added=tuple(p for p in now if p not in before),
        changed=tuple(p for p, mark in now.items() if p in before and before[p] != mark),
        removed=tuple(p for p in before if p not in now),
    )


@dataclass(frozen=True, slots=True)
class UserPacks:
    """The user's pack files as last read, and the last good pack of each.

    Attributes:
        folder: The user's packs folder (``<data>/packs``).
        seen: Each file's fingerprint when it was last read.
        good: The last pack read without error from each file (also from a
            file skipped because its pack id was taken, so that it loads once
            the other file goes).
    """

    folder: Path
    seen: Mapping[Path, Fingerprint]
    good: Mapping[Path, Pack]

    @classmethod
    def after_load(
        cls, folder: Path, library: Library, seen: Mapping[Path, Fingerprint]
    ) -> UserPacks:
        """The state right after ``library`` was loaded; ``seen`` was scanned just before.

        A file that changed during the load differs from ``seen`` and is read
        again at the next check. A file that gave the library no pack and is
        not known to be broken (its id was taken) is read again too.
        """
        good = {p.source: p for p in library.packs if p.source is not None and _is_in(p, folder)}
        broken = {e.path for e in library.problems if isinstance(e, PackError)}
        kept = {path: mark for path, mark in seen.items() if path in good or path in broken}
        return cls(folder, kept, good)

    def owns(self, pack: Pack) -> bool:
        """Whether ``pack`` was read from a file in the user's packs folder."""
        return _is_in(pack, self.folder)


def _is_in(pack: Pack, folder: Path) -> bool:
    return pack.source is not None and pack.source.parent == folder


@dataclass(frozen=True, slots=True)
class Reading:
    """The changed files read again.

    Attributes:
        now: The fingerprints of every pack file when the reading started.
        changes: How ``now`` differs from what was last read.
        read: Each file of ``changes.to_read``: its pack, or why it cannot be used.
    """

    now: Mapping[Path, Fingerprint]
    changes: PackChanges
    read: Mapping[Path, Pack | PackError]


def read_changes(state: UserPacks, loader: Loader = read_pack) -> Reading:
    """Scan the packs folder and read the files that changed since ``state``."""
    now = scan(state.folder)
    changes = diff(state.seen, now)
    read: dict[Path, Pack | PackError] = {}
    for path in changes.to_read:
        try:
            read[path] = loader(path)
        except PackError as exc:
            read[path] = exc
    return Reading(now, changes, read)


@dataclass(frozen=True, slots=True)
class Update:
    """A library brought up to date.

    Attributes:
        library: The new library (the same object when no pack changed).
        state: What to compare the files with next time.
        changes: The files that were added, changed or removed.
        problems: What to tell the agent: broken files (whose last good
            version, if any, stays) and pack ids already taken.
    """

    library: Library
    state: UserPacks
    changes: PackChanges
    problems: tuple[TactfulError, ...]


def apply_changes(library: Library, state: UserPacks, reading: Reading) -> Update:
    """``library`` with the packs of ``reading`` in place of the ones ``state`` had.

    Pure apart from the index update: no file is touched.
    """
    good = {path: pack for path, pack in state.good.items() if path in reading.now}
    problems: list[TactfulError] = []
    fresh: set[Path] = set()
    for path in reading.changes.to_read:
        result = reading.read[path]
        if isinstance(result, PackError):
            problems.append(result)
        else:
            good[path] = result
            fresh.add(path)
    packs = [p for p in library.packs if not state.owns(p)]
    owner: dict[str, Path | str] = {p.id: p.source or "a bundled pack" for p in packs}
    for path in reading.now:
        pack = good.get(path)
        if pack is None:
            continue
        if pack.id in owner:
            if path in fresh:
                problems.append(DuplicatePackError(pack.id, owner[pack.id], path))
            continue
        owner[pack.id] = path
        packs.append(pack)
    touched = set(reading.changes.to_read) | set(reading.changes.removed)
    loaded = {p.source for p in packs}
    kept = [e for e in library.problems if not _settled(e, touched, loaded)]
    new_state = UserPacks(state.folder, dict(reading.now), good)
    same = len(packs) == len(library.packs) and all(
        a is b for a, b in zip(packs, library.packs, strict=True)
    )
    now_problems = kept + problems
    if same and now_problems == library.problems:
        new = library
    else:
        new = library.with_packs(packs, now_problems)
    return Update(new, new_state, reading.changes, tuple(problems))


def _settled(problem: TactfulError, touched: set[Path], loaded: set[Path | None]) -> bool:
    """Whether an old load problem no longer holds: its file was read again, or now loads."""
    if isinstance(problem, PackError):
        return problem.path in touched
    if isinstance(problem, DuplicatePackError):
        second = Path(problem.second)
        return second in touched or second in loaded
    return False


def update_library(library: Library, state: UserPacks, loader: Loader = read_pack) -> Update:
    """Read what changed since ``state`` and apply it to ``library`` (both steps at once)."""
    return apply_changes(library, state, read_changes(state, loader))
