"""The things Tactful works with: templates, packs, situations, reminders.

All are frozen dataclasses: a loaded library never changes in place; a change
of a pack produces a new library.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

FORMAT_VERSION = 1
"""The newest pack format this app reads and writes."""


@dataclass(frozen=True, slots=True)
class Situation:
    """A kind of conversation a reply is for, such as ``order_late``."""

    id: str
    name: str
    keywords: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Reminder:
    """A tone reminder; with no situations it is a general one."""

    text: str
    situations: tuple[str, ...] = ()

    @property
    def is_general(self) -> bool:
        """Whether the reminder applies to every situation."""
        return not self.situations


@dataclass(frozen=True, slots=True)
class ToneRule:
    """A team's own tone rule: literal phrases with an explanation.

    Pack rules are literal phrases only, never regular expressions, because a
    pack may come from anywhere.
    """

    id: str
    phrases: tuple[str, ...]
    message: str
    suggestion: str = ""
    severity: str = "warning"


@dataclass(frozen=True, slots=True)
class Template:
    """One reply template.

    Attributes:
        id: The id inside its pack.
        pack_id: The id of the pack it belongs to.
        variants: Channel-specific bodies as ``(channel, body)`` pairs.
    """

    id: str
    title: str
    situation: str
    body: str
    pack_id: str = ""
    keywords: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    tone: tuple[str, ...] = ()
    variants: tuple[tuple[str, str], ...] = ()

    @property
    def full_id(self) -> str:
        """The library-wide id, ``<pack id>/<template id>``."""
        return f"{self.pack_id}/{self.id}"

    @property
    def channels(self) -> tuple[str, ...]:
        """The channel names that have their own variant."""
        return tuple(name for name, _ in self.variants)

    def body_for(self, channel: str | None) -> str:
        """Return the body for ``channel``, or the default body."""
        if channel:
            for name, text in self.variants:
                if name == channel:
                    return text
        return self.body


@dataclass(frozen=True, slots=True)
class Pack:
    """A whole pack file, validated."""

    id: str
    name: str
    version: str
    language: str = "en"
    author: str = ""
    license: str = ""
    description: str = ""
    situations: tuple[Situation, ...] = ()
    reminders: tuple[Reminder, ...] = ()
    templates: tuple[Template, ...] = ()
    tone_rules: tuple[ToneRule, ...] = ()
    source: Path | None = field(default=None, compare=False)
