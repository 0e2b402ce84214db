"""Files bundled with Tactful: packs, tone rules, the synonym lexicon, icons.

In an installed wheel they live in the package (``tactful/resources``); in a
source checkout they are the top-level ``resources/`` folder.
"""

from __future__ import annotations

from importlib import resources as _ilr
from pathlib import Path


def resources_root() -> Path:
    """The folder that holds the bundled resources."""
    packaged = Path(str(_ilr.files("tactful"))) / "resources"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "resources"


def resource_dir(name: str) -> Path:
    """A sub-folder of the bundled resources, such as ``packs`` or ``tone``."""
    return resources_root() / name


def bundled_pack_files() -> list[Path]:
    """The bundled ``*.tactful.toml`` packs, sorted by name."""
    return sorted(resource_dir("packs").glob("*.tactful.toml"))
