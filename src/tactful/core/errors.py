"""The exception tree of Tactful.

Every error the user can cause is one of these, and its message says what is
wrong and where. The ui turns them into dialogs in one place (ui/messages.py);
the command line prints them.

::

    TactfulError
    ├── PackError                 a pack file cannot be used (file, line, key path)
    │   ├── PackSyntaxError       not valid TOML, or not UTF-8
    │   ├── PackFormatError       `format` missing, or newer than this app knows
    │   ├── PackLimitError        file, template count or body over a limit
    │   └── PackValidationError   a key is unknown, missing or of the wrong kind
    ├── PlaceholderError          malformed `{name|fallback}` in a text
    ├── RenderError               a placeholder has no value and no fallback
    ├── LibraryError              the packs together cannot be merged
    │   ├── DuplicatePackError    two files declare the same pack id
    │   └── UnknownTemplateError  no template has that id
    ├── SettingsError             settings.toml is unreadable or has a wrong value
    ├── UsageError                the usage database cannot be read or written
    └── InteropError              an import or export file cannot be used
"""

from __future__ import annotations

from pathlib import Path


class TactfulError(Exception):
    """Base class of every error Tactful reports to the user."""


class PackError(TactfulError):
    """A pack file cannot be used.

    Attributes:
        path: The file, when the pack came from one.
        line: 1-based line where the problem can be found, when known.
        key: The key path, such as ``templates[3].situation``.
        detail: What was expected, in words.
    """

    def __init__(
        self,
        detail: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        key: str | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.key = key
        self.detail = detail
        super().__init__(self.format())

    def format(self) -> str:
        """Return the message as ``FILE:LINE: key: detail``."""
        where = str(self.path) if self.path is not None else "<pack>"
        if self.line is not None:
            where += f":{self.line}"
        what = f"{self.key}: {self.detail}" if self.key else self.detail
        return f"{where}: {what}"


class PackSyntaxError(PackError):
    """The file is not valid TOML or not UTF-8."""


class PackFormatError(PackError):
    """The ``format`` number is missing or newer than this app understands."""


class PackLimitError(PackError):
    """A size limit is exceeded (file size, template count, body length)."""


class PackValidationError(PackError):
    """A key is unknown, missing, or has a value of the wrong kind."""


class PlaceholderError(TactfulError):
    """A text has a malformed placeholder.

    Attributes:
        text: The text that was parsed.
        position: 0-based offset of the problem in ``text``.
    """

    def __init__(self, detail: str, *, text: str, position: int) -> None:
        self.text = text
        self.position = position
        self.detail = detail
        super().__init__(f"{detail} at character {position + 1}")


class RenderError(TactfulError):
    """A placeholder has no value and no fallback.

    Attributes:
        missing: The names that still need a value, in order of appearance.
    """

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        names = ", ".join(missing)
        super().__init__(f"no value for placeholder(s): {names} (give one with --set NAME=VALUE)")


class LibraryError(TactfulError):
    """The installed packs cannot be merged into one library."""


class DuplicatePackError(LibraryError):
    """Two pack files declare the same pack id."""

    def __init__(self, pack_id: str, first: Path | str, second: Path | str) -> None:
        self.pack_id = pack_id
        self.first = first
        self.second = second
        super().__init__(
            f"pack id {pack_id!r} is declared by both {first} and {second}; the second was skipped"
        )


class UnknownTemplateError(LibraryError):
    """No template in the library has the given id."""

    def __init__(self, template_id: str) -> None:
        self.template_id = template_id
        super().__init__(f"no template with id {template_id!r} (see `tactful list`)")


class SettingsError(TactfulError):
    """The settings file is unreadable or holds a wrong value."""


class UsageError(TactfulError):
    """The usage database cannot be read or written."""


class InteropError(TactfulError):
    """An import or export file cannot be used."""
