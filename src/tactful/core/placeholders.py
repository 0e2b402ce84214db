"""Placeholders in reply bodies: ``{name}``, ``{name|fallback}``, ``{{`` and ``}}``.

Names match ``[a-z_][a-z0-9_]*``. A few names are built in and filled from the
settings and the clock; any other name is asked for before pasting.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tactful.core.errors import PlaceholderError, RenderError

NAME_RE = re.compile(r"[a-z_][a-z0-9_]*\Z")

BUILTIN_NAMES: tuple[str, ...] = (
    "agent_name",
    "agent_signature",
    "company",
    "today",
    "now",
    "weekday",
)
"""Names filled from settings and the clock rather than asked for."""


@dataclass(frozen=True, slots=True)
class Placeholder:
    """One ``{name}`` or ``{name|fallback}`` in a text, with its offsets."""

    name: str
    fallback: str | None
    start: int
    end: int


Segment = str | Placeholder
"""A parsed text is a list of literal strings and placeholders."""


def parse(text: str) -> list[Segment]:
    """Split ``text`` into literal text and placeholders.

    Raises:
        PlaceholderError: For an unclosed ``{``, a stray ``}``, an empty or
            invalid name (``{1x}``), or a brace inside a placeholder.
    """
    segments: list[Segment] = []
    literal: list[str] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "{":
            if text.startswith("{{", i):
                literal.append("{")
                i += 2
                continue
            close = text.find("}", i + 1)
            nested = text.find("{", i + 1)
            if close == -1:
                raise PlaceholderError(
                    "unclosed placeholder: '{' without '}' (write '{{' for a literal brace)",
                    text=text,
                    position=i,
                )
            if nested != -1 and nested < close:
                raise PlaceholderError(
                    "'{' inside a placeholder (write '{{' for a literal brace)",
                    text=text,
                    position=nested,
                )
            inner = text[i + 1 : close]
            name, bar, fallback = inner.partition("|")
            name = name.strip()
            if not NAME_RE.match(name):
                shown = name or "(empty)"
                raise PlaceholderError(
                    f"invalid placeholder name {shown!r}: names are lowercase letters, digits "
                    "and '_', not starting with a digit",
                    text=text,
                    position=i,
                )
            if literal:
                segments.append("".join(literal))
                literal = []
            segments.append(Placeholder(name, fallback if bar else None, i, close + 1))
            i = close + 1
        elif ch == "}":
            if text.startswith("}}", i):
                literal.append("}")
                i += 2
                continue
            raise PlaceholderError(
                "unmatched '}' (write '}}' for a literal brace)", text=text, position=i
            )
        else:
            nxt = _next_brace(text, i)
            literal.append(text[i:nxt])
            i = nxt
    if literal:
        segments.append("".join(literal))
    return segments


def _next_brace(text: str, start: int) -> int:
    a = text.find("{", start)
    b = text.find("}", start)
    candidates = [x for x in (a, b) if x != -1]
    return min(candidates) if candidates else len(text)


def placeholders(text: str) -> list[Placeholder]:
    """The placeholders of ``text`` in order of appearance."""
    return [seg for seg in parse(text) if isinstance(seg, Placeholder)]


def names(text: str) -> list[str]:
    """The distinct placeholder names of ``text`` in order of first appearance."""
    seen: dict[str, None] = {}
    for ph in placeholders(text):
        seen.setdefault(ph.name, None)
    return list(seen)


def needs_input(text: str, values: Mapping[str, str]) -> list[str]:
    """Names that have no value in ``values`` (empty counts as none), in order.

    A name whose every occurrence has a fallback is still listed, so the form
    can offer it; use `missing` for names that would block rendering.
    """
    return [name for name in names(text) if not values.get(name)]


def missing(text: str, values: Mapping[str, str]) -> list[str]:
    """Names that have neither a value nor a fallback, in order."""
    out: dict[str, None] = {}
    for ph in placeholders(text):
        if not values.get(ph.name) and ph.fallback is None:
            out.setdefault(ph.name, None)
    return list(out)


def render(text: str, values: Mapping[str, str]) -> str:
    """Fill the placeholders of ``text``.

    A name with a non-empty value gets the value; otherwise its fallback.

    Raises:
        RenderError: When some placeholder has neither; it lists them all.
        PlaceholderError: When ``text`` is malformed.
    """
    lacking = missing(text, values)
    if lacking:
        raise RenderError(lacking)
    out: list[str] = []
    for seg in parse(text):
        if isinstance(seg, Placeholder):
            value = values.get(seg.name)
            out.append(value if value else (seg.fallback or ""))
        else:
            out.append(seg)
    return "".join(out)


def builtin_values(
    *,
    agent_name: str = "",
    agent_signature: str = "",
    company: str = "",
    now: datetime | None = None,
) -> dict[str, str]:
    """Values of the built-in names; empty settings are left out so they are asked for."""
    moment = now or datetime.now().astimezone()
    values = {
        "today": f"{moment:%B} {moment.day}, {moment.year}",
        "now": moment.strftime("%H:%M"),
        "weekday": moment.strftime("%A"),
    }
    signature = agent_signature or agent_name
    for key, value in (
        ("agent_name", agent_name),
        ("agent_signature", signature),
        ("company", company),
    ):
        if value:
            values[key] = value
    return values
