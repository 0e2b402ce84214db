"""Work-arounds for bugs in the PySide6 build Tactful runs on, each detected before it is applied.

``SignalInstance.emit`` in PySide6 6.12.0 returns ``True`` or ``False``
without taking a reference to it, so every ``signal.emit(...)`` from Python
costs the interpreter one reference to ``True``. A tray app emits signals for
hours; once the count reaches zero Python aborts with "bool_dealloc:
deallocating True or False". :func:`install` emits a few times on a probe
object, and only when references go missing does it wrap ``emit`` to give the
reference back. A fixed PySide6 is left alone. Importing any desktop module
that emits signals installs it; the app may call it again, it is idempotent.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading
from typing import Any

from PySide6.QtCore import QObject, Signal, SignalInstance

log = logging.getLogger(__name__)

_PROBE_EMITS = 16
_lock = threading.Lock()
_installed = False


class _Probe(QObject):
    ping = Signal()


def emit_loses_references() -> bool:
    """Whether ``emit`` drops a reference to its boolean result on this PySide6.

    The probe's lost references are given back, so probing itself is harmless.
    """
    probe = _Probe()
    ping: Any = probe.ping  # the stubs say emit returns None; it returns a bool
    results: list[Any] = []
    before = sys.getrefcount(True) + sys.getrefcount(False)
    for _ in range(_PROBE_EMITS):
        results.append(ping.emit())
    # Each stored result holds one reference of its own; a correct emit adds one per call.
    after = sys.getrefcount(True) + sys.getrefcount(False)
    missing = before + _PROBE_EMITS - after
    for result in results[:missing]:
        ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
    return missing >= _PROBE_EMITS // 2


def install() -> bool:
    """Wrap ``SignalInstance.emit`` if (and only if) this PySide6 needs it.

    Returns:
        Whether the work-around is active.
    """
    global _installed
    with _lock:
        if _installed:
            return True
        if not emit_loses_references():
            return False
        original = SignalInstance.emit

        def emit(self: SignalInstance, *args: Any) -> Any:
            result = original(self, *args)
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(result))
            return result

        SignalInstance.emit = emit  # type: ignore[method-assign]
        _installed = True
        log.info("PySide6 signal emit loses references: work-around installed")
        return True


install()
