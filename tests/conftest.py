"""Test-wide set-up: an offscreen Qt, and a home that is never the real one.

Every test session runs with ``HOME``, the XDG folders and ``TACTFUL_BASEDIR``
pointing into a temporary folder, so no test can touch the agent's real
settings, packs or statistics. The session fails if Tactful's real platform
folders were created or changed while it ran.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _real_dirs() -> list[Path]:
    from tactful.paths import Paths

    real = Paths.platform()
    return [real.config, real.data, real.state, real.cache, real.log]


def _fingerprint(dirs: list[Path]) -> dict[str, tuple[int, int] | None]:
    out: dict[str, tuple[int, int] | None] = {}
    for d in dirs:
        if not d.exists():
            out[str(d)] = None
            continue
        files = [p for p in d.rglob("*") if p.is_file()]
        newest = max((p.stat().st_mtime_ns for p in files), default=d.stat().st_mtime_ns)
        out[str(d)] = (len(files), newest)
    return out


_TEMP_HOME = Path(tempfile.mkdtemp(prefix="tactful-test-home-"))
_REAL_DIRS = _real_dirs()
_BEFORE = _fingerprint(_REAL_DIRS)
for _name, _sub in (
    ("HOME", "home"),
    ("XDG_CONFIG_HOME", "home/.config"),
    ("XDG_DATA_HOME", "home/.local/share"),
    ("XDG_STATE_HOME", "home/.local/state"),
    ("XDG_CACHE_HOME", "home/.cache"),
    ("TACTFUL_BASEDIR", "base"),
):
    os.environ[_name] = str(_TEMP_HOME / _sub)
(_TEMP_HOME / "home").mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _real_home_untouched() -> Iterator[None]:
    yield
    after = _fingerprint(_REAL_DIRS)
    shutil.rmtree(_TEMP_HOME, ignore_errors=True)
    assert after == _BEFORE, f"tests wrote to the real Tactful folders: {after} != {_BEFORE}"


@pytest.fixture
def basedir(tmp_path: Path) -> Path:
    """A fresh base directory for one test (``--basedir``)."""
    base = tmp_path / "base"
    base.mkdir()
    return base


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` beside the project; skips the test when it is absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared (evaluation data and fixtures) is not beside the project")
    return SHARED
