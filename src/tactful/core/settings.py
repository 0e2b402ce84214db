"""The agent's settings: what they are, their defaults, reading and writing them.

Stored in ``<config>/settings.toml``. A wrong value is reported with its key
and what was expected, and the default is used for that key only: one typo
never loses the rest of the settings. Writes are atomic.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import tomli_w

from tactful.core.atomic import atomic_write_text
from tactful.core.errors import SettingsError

SETTINGS_VERSION = 1
PASTE_METHODS = ("auto", "copy")
THEMES = ("system", "light", "dark")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything the agent can set.

    Attributes:
        hotkey: The global shortcut, in Qt's portable text ("Ctrl+Alt+Space").
        paste_method: "auto" pastes into the previous window; "copy" only copies.
        paste_overrides: Window class → paste keys ("ctrl+shift+v"), winning
            over the built-in choice.
        agent_name: Fills ``{agent_name}``.
        agent_signature: Fills ``{agent_signature}`` (defaults to the name).
        company: Fills ``{company}``.
        default_channel: The variant shown first ("" for the default body).
        start_at_login: Start Tactful when the agent logs in.
        theme: "system", "light" or "dark".
        break_reminders: Quiet break reminders after long stretches of use.
        break_after_minutes: Minutes of continuous use before a break reminder.
        reset_card: Offer a short reset card after an angry message.
    """

    hotkey: str = "Ctrl+Alt+Space"
    paste_method: str = "auto"
    paste_overrides: dict[str, str] = field(default_factory=dict)
    agent_name: str = ""
    agent_signature: str = ""
    company: str = ""
    default_channel: str = ""
    start_at_login: bool = False
    theme: str = "system"
    break_reminders: bool = False
    break_after_minutes: int = 90
    reset_card: bool = True

    def updated(self, **changes: Any) -> Settings:
        """A copy with ``changes`` applied."""
        return replace(self, **changes)


_CHOICES: dict[str, tuple[str, ...]] = {"paste_method": PASTE_METHODS, "theme": THEMES}


def _check(name: str, value: Any, default: Any) -> str | None:
    """What is wrong with ``value`` for setting ``name``, or None."""
    if isinstance(default, bool):
        return None if isinstance(value, bool) else "expected true or false"
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            return "expected a whole number"
        return None if 1 <= value <= 24 * 60 else "expected a number of minutes from 1 to 1440"
    if isinstance(default, dict):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            return 'expected a table of window class = "keys"'
        return None
    if not isinstance(value, str):
        return "expected a string"
    choices = _CHOICES.get(name)
    if choices and value not in choices:
        return f"expected one of {', '.join(choices)}"
    return None


def settings_from_dict(raw: dict[str, Any], source: str = "settings") -> tuple[Settings, list[str]]:
    """Build settings from a TOML tree; return them and a message per rejected key."""
    defaults = Settings()
    known = {f.name: getattr(defaults, f.name) for f in fields(Settings)}
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in raw.items():
        if key == "version":
            continue
        if key not in known:
            problems.append(f"{source}: unknown setting {key!r} was ignored")
            continue
        wrong = _check(key, value, known[key])
        if wrong:
            problems.append(f"{source}: {key}: {wrong}; using the default {known[key]!r}")
            continue
        values[key] = dict(value) if isinstance(value, dict) else value
    return Settings(**values), problems


def load_settings(path: Path) -> tuple[Settings, list[str]]:
    """Read settings; a missing file gives the defaults.

    Returns:
        The settings, and one message per problem (wrong values fall back to
        their defaults, keys not understood are ignored).

    Raises:
        SettingsError: When the file exists but is not readable TOML; the
            caller keeps its current settings and does not overwrite the file.
    """
    if not path.exists():
        return Settings(), []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"{path}: cannot read the settings: {exc}") from exc
    return settings_from_dict(raw, str(path))


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    """The TOML tree of ``settings``."""
    tree: dict[str, Any] = {"version": SETTINGS_VERSION}
    for f in fields(Settings):
        tree[f.name] = getattr(settings, f.name)
    return tree


def save_settings(settings: Settings, path: Path) -> None:
    """Write ``settings`` atomically, keeping the previous file as ``.bak``."""
    atomic_write_text(path, tomli_w.dumps(settings_to_dict(settings)))
