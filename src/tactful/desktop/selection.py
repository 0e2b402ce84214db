"""Trying OS backends in order: the first that starts wins, every other one gets a reason.

The hotkey (:mod:`tactful.desktop.hotkey`) and the paste key sender
(:mod:`tactful.desktop.paste`) both walk an ordered list of backend names and
build each with its factory until one works. :func:`pick` is that walk; the
callers decide the order and what a failed choice falls back to.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

log = logging.getLogger(__name__)


class Named(Protocol):
    """Anything a factory builds: a backend with a short name for the log and settings."""

    @property
    def name(self) -> str:
        """Short backend name, such as ``x11`` or ``xtest``."""
        ...


BackendT = TypeVar("BackendT", bound=Named)


def pick(
    order: Sequence[str],
    factories: Mapping[str, Callable[[Mapping[str, str]], BackendT]],
    env: Mapping[str, str],
    *,
    unavailable: tuple[type[Exception], ...],
    log_what: str,
) -> tuple[BackendT | None, list[tuple[str, str]]]:
    """Build the backends named in ``order`` until one starts.

    Args:
        order: Backend names, the most wanted first.
        factories: Builders by name; a name without one is "not available in this build".
        env: The environment each builder judges the session by.
        unavailable: The exceptions by which a builder says it cannot run here;
            their message is the reason, as it is.
        log_what: What the backends are for (``"hotkey"``, ``"paste"``), for the
            log line of a builder that failed with any other exception.

    Returns:
        The backend that started (``None`` when none did) and ``(name, reason)``
        for every other name in ``order``, in order.
    """
    chosen: BackendT | None = None
    passed_over: list[tuple[str, str]] = []
    for name in order:
        if chosen is not None:
            passed_over.append((name, f"not needed: {chosen.name} works"))
            continue
        factory = factories.get(name)
        if factory is None:
            passed_over.append((name, "not available in this build"))
            continue
        try:
            chosen = factory(env)
        except unavailable as exc:
            passed_over.append((name, str(exc)))
        except Exception as exc:  # a backend bug must not stop the app from starting
            log.exception("%s backend %s failed to start", log_what, name)
            passed_over.append((name, f"failed to start: {exc}"))
    return chosen, passed_over
