"""The layering rules of DESIGN.md: core never imports Qt, ui or desktop."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[2] / "src" / "tactful" / "core"


def test_core_imports_no_qt_at_runtime() -> None:
    code = (
        "import sys, pkgutil, importlib, tactful.core as c\n"
        "for m in pkgutil.walk_packages(c.__path__, 'tactful.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n.startswith(('PySide6', 'shiboken6')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_core_sources_do_not_name_qt_ui_or_desktop() -> None:
    offenders = []
    for path in CORE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                if name.startswith(("PySide6", "shiboken6", "tactful.ui", "tactful.desktop")):
                    offenders.append(f"{path.name}: {name}")
    assert offenders == []
