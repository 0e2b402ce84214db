"""A cache of the loaded library (parsed packs and the built search index) under ``<cache>/``.

Reading and validating 10,000 templates and indexing them takes seconds; reading
them back from one pickle takes a fraction of that. An entry is keyed by
everything it was made from: each pack file's path, size, modification time
and content digest, the synonym lexicon, the app version, this cache's format
number, the Python version and the source of the modules that shape the
index. Any change of any of them is a miss, and the library is loaded afresh.

The cache is safe to delete at any time. Entries are written atomically (a
temporary file in the same folder, fsync, ``os.replace``); an entry that
cannot be read back (cut short, corrupt, from another version) is ignored and
replaced by the next store. Libraries with problems (a skipped pack) are never
cached, so the problem is reported on every start.

The cache folder belongs to the user; entries are pickles and are only read
from there.
"""

from __future__ import annotations

import copyreg
import dataclasses
import gc
import hashlib
import logging
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tactful.core.model import Template

if TYPE_CHECKING:
    from tactful.core.model import Pack
    from tactful.core.search import SearchIndex

_log = logging.getLogger(__name__)

CACHE_FORMAT = 1
"""Bump when what is stored changes shape."""
MAGIC = b"TACTFUL-LIBRARY-CACHE\n"
DIGEST_LIMIT = 2 * 1024 * 1024
"""Pack files are hashed while their total size stays under this (a few milliseconds);
beyond it, path, size and modification time (to the nanosecond) identify a file."""
_SHAPING_MODULES = (
    "analyzer",
    "highlight",
    "lexicon",
    "model",
    "packs",
    "posting_store",
    "postings",
    "profiles",
    "query",
    "search",
    "situations",
    "weighting",
)
"""``tactful.core`` modules whose code decides what a cached library looks like."""


@dataclass(frozen=True, slots=True)
class CachedLibrary:
    """What one cache entry holds."""

    packs: tuple[Pack, ...]
    index: SearchIndex


_TEMPLATE_FIELDS = tuple(field.name for field in dataclasses.fields(Template) if field.init)


def _reduce_template(template: Template) -> tuple[Any, ...]:
    """Pickle a template as a call with its field values: faster to read back than the default."""
    return (Template, tuple(getattr(template, name) for name in _TEMPLATE_FIELDS))


@cache
def _code_fingerprint() -> str:
    digest = hashlib.blake2b(digest_size=16)
    core = Path(__file__).resolve().parent
    for name in _SHAPING_MODULES:
        try:
            digest.update((core / f"{name}.py").read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()


def _file_fingerprint(path: Path, digest: hashlib.blake2b, budget: list[int]) -> bool:
    """Add ``path``'s identity to ``digest``; False when it cannot be read."""
    try:
        resolved = path.resolve()
        info = resolved.stat()
    except OSError:
        return False
    digest.update(f"{resolved}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
    if info.st_size <= budget[0]:
        budget[0] -= info.st_size
        try:
            digest.update(resolved.read_bytes())
        except OSError:
            return False
    return True


class LibraryCache:
    """Cached libraries in one folder.

    Attributes:
        directory: The cache folder (``Paths.cache``); created on the first store.
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def key(self, files: Sequence[Path]) -> str | None:
        """The key of a library made of ``files`` (None when a file cannot be read)."""
        from tactful import __version__
        from tactful.resources import resource_dir

        digest = hashlib.blake2b(digest_size=20)
        digest.update(
            f"{CACHE_FORMAT}\0{__version__}\0{sys.version_info[:2]}\0{_code_fingerprint()}\0".encode()
        )
        budget = [DIGEST_LIMIT]
        _file_fingerprint(resource_dir("lexicon") / "synonyms.toml", digest, budget)
        digest.update(f"\0{len(files)}\0".encode())
        for path in files:
            if not _file_fingerprint(Path(path), digest, budget):
                return None
        return digest.hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / f"library-{key}.pickle"

    def load(self, key: str) -> CachedLibrary | None:
        """The entry for ``key``, or None when there is none or it cannot be used."""
        path = self._entry(key)
        try:
            with path.open("rb") as handle:
                if handle.read(len(MAGIC)) != MAGIC or handle.readline() != key.encode() + b"\n":
                    raise ValueError("header does not match")
                # Many small objects: collecting garbage while they are made only costs time.
                collecting = gc.isenabled()
                gc.disable()
                try:
                    value = pickle.load(handle)
                finally:
                    if collecting:
                        gc.enable()
        except FileNotFoundError:
            return None
        except Exception as exc:  # a corrupt entry is a miss, whatever unpickling raised
            _log.info("ignoring unusable cache entry %s: %s", path, exc)
            return None
        if not isinstance(value, CachedLibrary):
            _log.info("ignoring cache entry %s: unexpected content", path)
            return None
        return value

    def store(self, key: str, value: CachedLibrary) -> None:
        """Write the entry for ``key`` atomically and drop older entries; failures are logged."""
        target = self._entry(key)
        try:
            self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
            handle = tempfile.NamedTemporaryFile(
                "wb", dir=self.directory, prefix=".library-", suffix=".tmp", delete=False
            )
            try:
                with handle:
                    handle.write(MAGIC + key.encode() + b"\n")
                    pickler = pickle.Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL)
                    pickler.dispatch_table = {
                        **copyreg.dispatch_table,
                        Template: _reduce_template,
                    }
                    pickler.dump(value)
                    handle.flush()
                    os.fsync(handle.fileno())
                os.replace(handle.name, target)
            except BaseException:
                Path(handle.name).unlink(missing_ok=True)
                raise
            for old in self.directory.glob("library-*.pickle"):
                if old != target:
                    old.unlink(missing_ok=True)
        except (OSError, pickle.PicklingError, RecursionError) as exc:
            _log.warning("could not write the library cache %s: %s", target, exc)

    def clear(self) -> None:
        """Delete every entry (the cache is rebuilt on the next load)."""
        for old in self.directory.glob("library-*.pickle"):
            old.unlink(missing_ok=True)
