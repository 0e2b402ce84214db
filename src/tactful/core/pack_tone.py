"""Checking the tone of a pack's replies, as the customer would read them.

Every template body and channel variant is filled in with a plausible sample
value for each placeholder ("Sam" for a name, a date for a date, "A-1001" for
an order number), so the checker reads a finished reply rather than flagging
each ``{placeholder}``, and then checked with the bundled tone rules and the
pack's own ``[[tone_rules]]``. Each finding knows the template, the channel
and, when the pack's source text is given, the line it is on; ``tactful pack
check`` prints them for a team's pack repository and its CI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tactful.core.model import Pack, Template, ToneRule
from tactful.core.packs import KeyPath, locate
from tactful.core.placeholders import names, render
from tactful.core.tone import Finding, check_tone

__all__ = ["TemplateFinding", "check_pack_tone", "fill_with_samples", "sample_value"]

_FIXED_SAMPLES = {
    "today": "12 May",
    "now": "14:30",
    "weekday": "Friday",
    "company": "Acme",
    "agent_signature": "Sam",
    "discount": "10%",
}


def sample_value(name: str) -> str:
    """A plausible value for placeholder ``name``, judged by how it is named."""
    if name in _FIXED_SAMPLES:
        return _FIXED_SAMPLES[name]
    if name == "name" or name.endswith("_name"):
        return "Sam"
    if "date" in name or name.endswith("_by") or name.endswith("_day"):
        return "Friday 14 June"
    if name.endswith("_time"):
        return "3 pm"
    if any(word in name for word in ("amount", "cost", "price", "fee", "total", "threshold")):
        return "$25.00"
    if name.endswith(("_link", "_url")) or name in ("link", "url"):
        return "https://example.com/a-1001"
    if name.endswith("email"):
        return "sam@example.com"
    if name.endswith(("_minutes", "_hours", "_days")):
        return "5"
    return "A-1001"


def fill_with_samples(text: str) -> str:
    """``text`` with every placeholder filled with its :func:`sample_value`.

    Raises:
        PlaceholderError: ``text`` has a malformed placeholder.
    """
    return render(text, {name: sample_value(name) for name in names(text)})


@dataclass(frozen=True, slots=True)
class TemplateFinding:
    """A tone finding in one reply of a pack.

    Attributes:
        template: The template's full id, ``<pack id>/<template id>``.
        channel: The variant's channel, or "" for the body.
        line: The 1-based line in the pack file, when its text was given.
        text: The reply as checked (placeholders filled with sample values).
        finding: What the checker found; offsets are into ``text``.
    """

    template: str
    channel: str
    line: int | None
    text: str
    finding: Finding

    @property
    def where(self) -> str:
        """The template id, with ``#channel`` for a variant."""
        return f"{self.template}#{self.channel}" if self.channel else self.template


def _first_text_line(lines: list[str], key_line: int | None) -> int | None:
    """The line a string's text starts on, given the line of its ``key = ``."""
    if key_line is None or key_line > len(lines):
        return key_line
    _, _, value = lines[key_line - 1].partition("=")
    value = value.strip()
    opens_block = value in ('"""', "'''")  # TOML drops the newline right after it
    return key_line + 1 if opens_block else key_line


def _replies(template: Template) -> list[tuple[str, str, KeyPath]]:
    out: list[tuple[str, str, KeyPath]] = [("", template.body, ("body",))]
    out.extend((ch, text, ("variants", ch)) for ch, text in template.variants)
    return out


def check_pack_tone(
    pack: Pack, source: str | None = None, extra_rules: Sequence[ToneRule] = ()
) -> list[TemplateFinding]:
    """Check every body and variant of ``pack``, in file order.

    Args:
        pack: A validated pack (see ``packs.read_pack``).
        source: The pack file's text, to give each finding its line.
        extra_rules: Team rules to apply besides the pack's own.

    Returns:
        The findings, template by template, each reply's in text order.
    """
    lines = source.splitlines() if source is not None else []
    rules = (*pack.tone_rules, *extra_rules)
    out: list[TemplateFinding] = []
    for index, template in enumerate(pack.templates):
        for channel, raw, key in _replies(template):
            text = fill_with_samples(raw)
            first = (
                _first_text_line(lines, locate(lines, ("templates", index, *key)))
                if source is not None
                else None
            )
            for finding in check_tone(text, rules):
                line = first + text.count("\n", 0, finding.start) if first is not None else None
                out.append(TemplateFinding(template.full_id, channel, line, text, finding))
    return out
