"""The small public Python API: what scripts and other tools may rely on.

>>> from tactful.api import load_library
>>> library = load_library()
>>> hits = library.search("order late birthday gift", limit=3)
>>> hits[0].template.situation
'missed_occasion'
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tactful.core.customer import Cue, read_customer
from tactful.core.library import Library, user_pack_files
from tactful.core.library import load_library as _load_files
from tactful.core.model import Pack, Reminder, Situation, Template
from tactful.core.search import Hit, Span
from tactful.core.tone import Finding, check_tone
from tactful.paths import Paths
from tactful.resources import bundled_pack_files

__all__ = [
    "Cue",
    "Finding",
    "Hit",
    "Library",
    "Pack",
    "Reminder",
    "Situation",
    "Span",
    "Template",
    "check_tone",
    "default_pack_files",
    "load_library",
    "read_customer",
]


def default_pack_files(paths: Paths | None = None) -> list[Path]:
    """The bundled packs, then the agent's own and installed packs in ``<data>/packs``."""
    paths = paths or Paths.resolve()
    return bundled_pack_files() + user_pack_files(paths.packs_dir)


def load_library(paths: Sequence[Path | str] | None = None) -> Library:
    """Load a library.

    Args:
        paths: Exactly these pack files and nothing else; with None, the
            bundled packs plus the user's packs.

    Returns:
        The merged library; files that could not be used are in
        ``Library.problems``.
    """
    files = [Path(p) for p in paths] if paths is not None else default_pack_files()
    return _load_files(files)
