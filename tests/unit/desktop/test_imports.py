"""Every desktop module imports on a machine without X, and without loading Xlib."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys

import tactful.desktop

MODULES = sorted(m.name for m in pkgutil.iter_modules(tactful.desktop.__path__))

PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module("tactful.desktop." + name)
loaded = sorted(m for m in sys.modules if m == "Xlib" or m.startswith("Xlib.") or m == "keyboard")
print(",".join(loaded))
"""


def test_modules_are_the_expected_ones() -> None:
    for name in ("hotkey", "clipboard", "activewindow", "paste", "single_instance", "autostart"):
        assert name in MODULES


def test_import_without_display_loads_no_x_library() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *MODULES],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
