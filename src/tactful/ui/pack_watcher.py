"""Notices when the user's pack files change while the app runs, and updates the library.

:class:`PackWatcher` watches ``<data>/packs`` (created if missing) and each
``*.tactful.toml`` in it with a ``QFileSystemWatcher``. A burst of events (an
editor saving writes, renames and touches) is coalesced by a single-shot timer;
then a worker thread asks core (:mod:`tactful.core.pack_sync`) what changed,
reads those files and updates the library and its index. Reading a
10,000-template pack and indexing it takes seconds, too long for the GUI
thread; the popup keeps answering meanwhile. While the worker runs, Python
switches threads every half millisecond instead of every five, so a keystroke
that waits for the interpreter lock waits briefly (``benchmarks/pack_reload.py``
measures the popup's keystrokes during a 10,000-template re-read both ways).

The result is applied on the GUI thread, and only if no pack file changed
again while it was being computed; otherwise it is dropped and the files are
read again. Editors that save by renaming make the watcher lose the file, so
the watched paths are renewed after every change.
"""

from __future__ import annotations

import logging
import sys
from concurrent.futures import Future, ThreadPoolExecutor

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from tactful.core.library import Library, user_pack_files
from tactful.core.pack_sync import Update, UserPacks, scan, update_library
from tactful.core.packs import Loader, read_pack

log = logging.getLogger(__name__)

SETTLE_MS = 300
"""Wait this long after the last file event before reading (editors save in bursts)."""
SWITCH_INTERVAL_S = 0.0005
"""Python's thread switch interval while a pack is read (the default is 0.005 s)."""


class PackWatcher(QObject):
    """Keeps a library up to date with the user's pack files.

    Args:
        library: The library as loaded at start.
        state: The user's pack files as they were when ``library`` was loaded.
        settle_ms: Quiet time after the last file event before reading.
        loader: Reads one pack file (tests may count the reads).
        switch_interval_s: Python's thread switch interval while the worker
            runs; ``None`` leaves it alone.
        parent: The Qt parent.

    Signals:
        updated: An :class:`~tactful.core.pack_sync.Update` whose library or
            problems are new; emitted on the GUI thread.
    """

    updated = Signal(object)
    _finished = Signal(object)

    def __init__(
        self,
        library: Library,
        state: UserPacks,
        *,
        settle_ms: int = SETTLE_MS,
        loader: Loader = read_pack,
        switch_interval_s: float | None = SWITCH_INTERVAL_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._state = state
        self._loader = loader
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_event)
        self._watcher.fileChanged.connect(self._on_event)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(settle_ms)
        self._timer.timeout.connect(self._check)
        self._pool: ThreadPoolExecutor | None = None
        self._job: Future[Update] | None = None
        self._again = False
        self._switch_interval = switch_interval_s
        self._normal_interval: float | None = None
        self._finished.connect(self._on_finished)

    @property
    def library(self) -> Library:
        """The library as of the last update applied."""
        return self._library

    @property
    def state(self) -> UserPacks:
        """The pack files as of the last update applied."""
        return self._state

    @property
    def busy(self) -> bool:
        """Whether a change is waiting to settle or being read."""
        return self._timer.isActive() or self._job is not None

    def start(self) -> None:
        """Create the packs folder if missing, watch it, and catch up with any change so far."""
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tactful-packs")
        self._watch()
        self._timer.start()

    def close(self) -> None:
        """Stop watching; a read under way finishes first and is not applied."""
        self._timer.stop()
        paths = self._watcher.files() + self._watcher.directories()
        if paths:
            self._watcher.removePaths(paths)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._job = None
        self._share_fairly(False)

    def _share_fairly(self, working: bool) -> None:
        """Switch threads more often while the worker runs; back to normal after."""
        if self._switch_interval is None:
            return
        if working and self._normal_interval is None:
            self._normal_interval = sys.getswitchinterval()
            sys.setswitchinterval(self._switch_interval)
        elif not working and self._normal_interval is not None:
            sys.setswitchinterval(self._normal_interval)
            self._normal_interval = None

    def _watch(self) -> None:
        """Watch the folder and every pack file in it (again, after a rename-save)."""
        folder = self._state.folder
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            log.warning("cannot create %s (%s): changes to packs are not noticed", folder, exc)
            return
        watched = set(self._watcher.files()) | set(self._watcher.directories())
        wanted = [str(folder), *(str(p) for p in user_pack_files(folder))]
        missing = [p for p in wanted if p not in watched]
        if missing:
            self._watcher.addPaths(missing)

    def _on_event(self, path: str) -> None:
        log.debug("pack folder event: %s", path)
        self._timer.start()

    def _check(self) -> None:
        if self._pool is None:
            return
        if self._job is not None:
            self._again = True
            return
        self._watch()
        self._again = False
        self._share_fairly(True)
        job = self._pool.submit(update_library, self._library, self._state, self._loader)
        self._job = job
        job.add_done_callback(self._finished.emit)

    def _on_finished(self, job: Future[Update]) -> None:
        if job is not self._job:
            return  # closed meanwhile
        self._job = None
        self._share_fairly(False)
        update = job.result()  # an unexpected error goes to the crash dialog
        if scan(self._state.folder) != update.state.seen:
            log.info("a pack file changed again while it was read; reading it again")
            self._timer.start()
            return
        changed = update.library is not self._library
        self._library = update.library
        self._state = update.state
        if update.changes:
            log.info(
                "pack files changed: %d added, %d changed, %d removed; %d templates",
                len(update.changes.added),
                len(update.changes.changed),
                len(update.changes.removed),
                len(update.library.templates),
            )
        if self._again:
            self._timer.start()
        if changed or update.problems:
            self.updated.emit(update)
