"""Every directory Tactful reads or writes, resolved once.

The platform folders come from platformdirs (app name ``tactful``). With
``--basedir DIR`` they all move under ``DIR`` (``DIR/config``, ``DIR/data``,
``DIR/state``, ``DIR/cache``, ``DIR/log``), which is what tests and portable
installs use. Nothing else in the project builds a user path by hand.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "tactful"
BASEDIR_ENV = "TACTFUL_BASEDIR"
"""Environment variable that acts like ``--basedir`` (used by tests and CI)."""


@dataclass(frozen=True, slots=True)
class Paths:
    """The resolved directories of one Tactful instance."""

    config: Path
    data: Path
    state: Path
    cache: Path
    log: Path
    runtime: Path

    @classmethod
    def for_basedir(cls, base: Path) -> Paths:
        """Put every directory under ``base``."""
        base = base.expanduser().resolve()
        return cls(
            config=base / "config",
            data=base / "data",
            state=base / "state",
            cache=base / "cache",
            log=base / "log",
            runtime=base / "runtime",
        )

    @classmethod
    def platform(cls) -> Paths:
        """The platform's own folders for the current user."""
        dirs = platformdirs.PlatformDirs(APP_NAME, appauthor=False)
        return cls(
            config=Path(dirs.user_config_dir),
            data=Path(dirs.user_data_dir),
            state=Path(dirs.user_state_dir),
            cache=Path(dirs.user_cache_dir),
            log=Path(dirs.user_log_dir),
            runtime=_runtime_dir(dirs),
        )

    @classmethod
    def resolve(cls, basedir: str | Path | None = None) -> Paths:
        """``--basedir`` first, then ``$TACTFUL_BASEDIR``, then the platform folders."""
        if basedir is None:
            basedir = os.environ.get(BASEDIR_ENV) or None
        if basedir is not None:
            return cls.for_basedir(Path(basedir))
        return cls.platform()

    @property
    def settings_file(self) -> Path:
        """``<config>/settings.toml``."""
        return self.config / "settings.toml"

    @property
    def packs_dir(self) -> Path:
        """``<data>/packs``: installed and subscribed packs."""
        return self.data / "packs"

    @property
    def personal_pack(self) -> Path:
        """``<data>/packs/personal.tactful.toml``: the agent's own pack."""
        return self.packs_dir / "personal.tactful.toml"

    @property
    def usage_db(self) -> Path:
        """``<state>/usage.sqlite3``: use counts and recency."""
        return self.state / "usage.sqlite3"

    @property
    def log_file(self) -> Path:
        """``<log>/tactful.log``."""
        return self.log / "tactful.log"

    def ensure(self, *which: Path) -> None:
        """Create the given directories (mode 0700) if they do not exist."""
        for path in which:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _runtime_dir(dirs: platformdirs.PlatformDirs) -> Path:
    """The per-user runtime folder (sockets, locks).

    Without ``$XDG_RUNTIME_DIR`` (a bare X session, a container) platformdirs
    warns and picks a folder of its own; we choose a per-user folder in the
    temp dir instead, which `Paths.ensure` creates with mode 0700.
    """
    if os.name == "posix" and not os.environ.get("XDG_RUNTIME_DIR"):
        return Path(tempfile.gettempdir()) / f"{APP_NAME}-{os.getuid()}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return Path(dirs.user_runtime_dir)
