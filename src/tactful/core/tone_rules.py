"""Loading and compiling the tone rules: the bundled data and a team's own rules.

The bundled rules live in ``resources/tone``: ``structure.toml`` holds the
whole-draft checks and the shared word lists, every other ``*.toml`` except
``customer.toml`` holds ``[[rules]]`` of phrases and patterns. They are ours,
so they may be regular expressions. A team's rules (``ToneRule`` from a pack)
are literal phrases: they are escaped, never compiled as written.

Everything is compiled once into a :class:`RuleBook`; checking a draft only
runs the compiled patterns.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tactful.core.model import ToneRule
from tactful.core.tone_text import Negation
from tactful.resources import resource_dir

SEVERITIES = ("info", "warning")
UNLESS = ("", "commitment", "alternative")
_FLAGS = re.MULTILINE
_NOT_RULE_FILES = frozenset({"structure.toml", "customer.toml"})
_RULE_KEYS = frozenset(
    {
        "id",
        "family",
        "severity",
        "message",
        "suggestion",
        "patterns",
        "phrases",
        "replacement",
        "replacement_group",
        "negatable",
        "unless",
        "in_quotes",
    }
)
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
TEAM_REPLACEMENT_MAX_WORDS = 6
"""A team rule's suggestion doubles as its one-click replacement when it is a
short phrase (this many words at most, no sentence punctuation)."""


class ToneDataError(ValueError):
    """The bundled tone data is malformed (a defect in Tactful, not user input)."""

    def __init__(self, path: Path, where: str, detail: str) -> None:
        super().__init__(f"{path.name}: {where}: {detail}")


@dataclass(frozen=True, slots=True)
class PatternRule:
    """One compiled way a rule can fire.

    Attributes:
        regex: Matched against the normalised draft in lower case.
        replacement: The one-click replacement, "" to delete, None for none.
        replacement_group: A named group whose text is the replacement.
        negatable: Skip matches a negation shortly before cancels.
        unless: "commitment" or "alternative": skip when the same or the next
            sentences have one; "" never skips.
        in_quotes: Also report inside quotation marks.
    """

    id: str
    family: str
    severity: str
    message: str
    suggestion: str
    regex: Scanner
    replacement: str | None = None
    replacement_group: str | None = None
    negatable: bool = False
    unless: str = ""
    in_quotes: bool = False


@dataclass(frozen=True, slots=True)
class Check:
    """A whole-draft check: its reported rule id, wording and parameters."""

    rule: str
    family: str
    severity: str
    message: str
    suggestion: str
    params: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class RuleBook:
    """Every compiled rule, check and word list the checker uses."""

    rules: tuple[PatternRule, ...]
    checks: Mapping[str, Check]
    commitment: Scanner
    alternative: Scanner
    apology: Scanner
    acknowledgement: Scanner
    negation: Negation
    sentences_after: int

    def check(self, name: str) -> Check:
        """The whole-draft check called ``name``."""
        return self.checks[name]


def _require(path: Path, where: str, table: Mapping[str, Any], key: str, kind: type) -> Any:
    value = table.get(key)
    if not isinstance(value, kind):
        raise ToneDataError(path, f"{where}.{key}", f"expected a {kind.__name__}")
    return value


def strings(path: Path, where: str, value: Any) -> list[str]:
    """``value`` as a list of strings, or a ToneDataError naming ``where``."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ToneDataError(path, where, "expected a list of strings")
    return value


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class Scanner:
    r"""A compiled alternation of patterns, with the leading word boundary checked here.

    A pattern that starts with ``\b`` stops the regex engine from skipping
    ahead to where the pattern's first word could be, so it would try every
    position of the text. Those patterns are compiled without the ``\b``;
    the boundary is checked on each match instead (and the search resumes one
    character later when it fails, so no match is lost).
    """

    __slots__ = ("bounded", "free")

    def __init__(self, bounded: re.Pattern[str] | None, free: re.Pattern[str] | None) -> None:
        self.bounded = bounded
        self.free = free

    @property
    def groupindex(self) -> set[str]:
        """The names of the groups in either part."""
        names: set[str] = set()
        for rx in (self.bounded, self.free):
            if rx is not None:
                names.update(rx.groupindex)
        return names

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Every match in ``text`` (normalised, lower case); each part in order."""
        if self.free is not None:
            yield from self.free.finditer(text)
        if self.bounded is None:
            return
        search = self.bounded.search
        pos = 0
        while True:
            m = search(text, pos)
            if m is None:
                return
            start = m.start()
            if start > 0 and _is_word(text[start - 1]):
                pos = start + 1
                continue
            yield m
            pos = max(m.end(), start + 1)


_LEADING_B = re.compile(r"^\\b(?=[\w(])")
_ESCAPE_OR_GROUP = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)")


def compile_patterns(path: Path, where: str, patterns: Iterable[str]) -> Scanner:
    """Compile ``patterns`` (lower case) into a :class:`Scanner`."""
    bounded: list[str] = []
    free: list[str] = []
    for pattern in patterns:
        if any(ch.isupper() for ch in _ESCAPE_OR_GROUP.sub("", pattern)):
            raise ToneDataError(path, where, f"write patterns in lower case: {pattern!r}")
        stripped = _LEADING_B.sub("", pattern)
        (bounded if stripped != pattern else free).append(stripped)
    if not bounded and not free:
        raise ToneDataError(path, where, "expected at least one pattern")
    try:
        return Scanner(
            re.compile("|".join(f"(?:{p})" for p in bounded), _FLAGS) if bounded else None,
            re.compile("|".join(f"(?:{p})" for p in free), _FLAGS) if free else None,
        )
    except re.error as exc:
        raise ToneDataError(path, where, f"bad regular expression: {exc}") from exc


def phrase_pattern(phrase: str) -> str:
    r"""A lower-case regular expression matching ``phrase`` literally, on word boundaries.

    Runs of whitespace in the phrase match any run of whitespace; every other
    character is escaped, so nothing in a pack's text acts as regex syntax. A
    phrase that starts with a word character gets a leading ``\b``.
    """
    words = phrase.lower().split()
    body = r"\s+".join(re.escape(w) for w in words)
    head = r"\b" if re.match(r"\w", words[0]) else ""
    tail = r"(?!\w)" if re.search(r"\w$", words[-1]) else ""
    return head + body + tail


def _literal_patterns(phrases: Iterable[str]) -> list[str]:
    cleaned = sorted({p.strip() for p in phrases if p.strip()}, key=len, reverse=True)
    return [phrase_pattern(p) for p in cleaned]


def _rule(path: Path, index: int, raw: Any) -> PatternRule:
    where = f"rules[{index}]"
    if not isinstance(raw, dict):
        raise ToneDataError(path, where, "expected a table")
    unknown = set(raw) - _RULE_KEYS
    if unknown:
        raise ToneDataError(path, where, f"unknown key(s): {', '.join(sorted(unknown))}")
    rule_id = _require(path, where, raw, "id", str)
    if not _ID.match(rule_id):
        raise ToneDataError(path, f"{where}.id", f"{rule_id!r} is not a valid rule id")
    severity = _require(path, where, raw, "severity", str)
    if severity not in SEVERITIES:
        raise ToneDataError(path, f"{where}.severity", f"expected one of {SEVERITIES}")
    unless = raw.get("unless", "")
    if unless not in UNLESS:
        raise ToneDataError(path, f"{where}.unless", f"expected one of {UNLESS}")
    patterns = strings(path, f"{where}.patterns", raw.get("patterns", []))
    phrases = strings(path, f"{where}.phrases", raw.get("phrases", []))
    regex = compile_patterns(path, f"{where}.patterns", [*patterns, *_literal_patterns(phrases)])
    group = raw.get("replacement_group")
    if group is not None and group not in regex.groupindex:
        raise ToneDataError(path, f"{where}.replacement_group", f"no group named {group!r}")
    replacement = raw.get("replacement")
    if replacement is not None and not isinstance(replacement, str):
        raise ToneDataError(path, f"{where}.replacement", "expected a string")
    return PatternRule(
        id=rule_id,
        family=_require(path, where, raw, "family", str),
        severity=severity,
        message=_require(path, where, raw, "message", str),
        suggestion=raw.get("suggestion", ""),
        regex=regex,
        replacement=replacement,
        replacement_group=group,
        negatable=bool(raw.get("negatable", False)),
        unless=unless,
        in_quotes=bool(raw.get("in_quotes", False)),
    )


def read_data(path: Path) -> dict[str, Any]:
    """Read one bundled TOML data file."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ToneDataError(path, "file", f"cannot read: {exc}") from exc


def _checks(path: Path, raw: Any) -> dict[str, Check]:
    if not isinstance(raw, dict):
        raise ToneDataError(path, "checks", "expected a table")
    checks: dict[str, Check] = {}
    for name, table in raw.items():
        where = f"checks.{name}"
        if not isinstance(table, dict):
            raise ToneDataError(path, where, "expected a table")
        severity = _require(path, where, table, "severity", str)
        if severity not in SEVERITIES:
            raise ToneDataError(path, f"{where}.severity", f"expected one of {SEVERITIES}")
        known = {"rule", "family", "severity", "message", "suggestion"}
        checks[name] = Check(
            rule=str(table.get("rule", name)),
            family=_require(path, where, table, "family", str),
            severity=severity,
            message=_require(path, where, table, "message", str),
            suggestion=table.get("suggestion", ""),
            params={k: v for k, v in table.items() if k not in known},
        )
    return checks


REQUIRED_CHECKS = (
    "no-next-step",
    "repeated-apology",
    "shouting",
    "shouting-marks",
    "long-sentence",
    "hidden-characters",
    "direction-marks",
)


def load_rulebook(folder: Path) -> RuleBook:
    """Read and compile the tone data in ``folder``.

    Raises:
        ToneDataError: A file is unreadable, a key is missing or of the wrong
            kind, or a pattern does not compile; the message names the file
            and the key.
    """
    structure_path = folder / "structure.toml"
    structure = read_data(structure_path)
    cues = structure.get("cues", {})
    window = structure.get("window", {})

    def cue(name: str) -> Scanner:
        return compile_patterns(
            structure_path, f"cues.{name}", strings(structure_path, f"cues.{name}", cues.get(name))
        )

    checks = _checks(structure_path, structure.get("checks", {}))
    missing = [name for name in REQUIRED_CHECKS if name not in checks]
    if missing:
        raise ToneDataError(structure_path, "checks", f"missing: {', '.join(missing)}")
    rules: list[PatternRule] = []
    for path in sorted(folder.glob("*.toml")):
        if path.name in _NOT_RULE_FILES:
            continue
        entries = read_data(path).get("rules", [])
        if not isinstance(entries, list):
            raise ToneDataError(path, "rules", "expected an array of tables ([[rules]])")
        rules.extend(_rule(path, i, raw) for i, raw in enumerate(entries))
    return RuleBook(
        rules=tuple(rules),
        checks=checks,
        commitment=cue("commitment"),
        alternative=cue("alternative"),
        apology=cue("apology"),
        acknowledgement=cue("acknowledgement"),
        negation=Negation(
            strings(structure_path, "cues.negators", cues.get("negators")),
            int(window.get("negation_words", 5)),
        ),
        sentences_after=int(window.get("sentences_after", 2)),
    )


@functools.cache
def bundled_rulebook() -> RuleBook:
    """The bundled tone rules, compiled once per process."""
    return load_rulebook(resource_dir("tone"))


def _team_replacement(suggestion: str) -> str | None:
    text = suggestion.strip()
    if not text or len(text.split()) > TEAM_REPLACEMENT_MAX_WORDS:
        return None
    if any(ch in text for ch in '.!?:;"()\n'):
        return None
    return text


def compile_team_rules(rules: Sequence[ToneRule]) -> tuple[PatternRule, ...]:
    """Compile a team's literal-phrase rules; phrases are escaped, never regex.

    A rule with no usable phrase is left out. A severity other than "info" is
    taken as "warning". The suggestion is offered as a one-click replacement
    when it is a short phrase (see ``TEAM_REPLACEMENT_MAX_WORDS``).
    """
    compiled: list[PatternRule] = []
    for rule in rules:
        patterns = _literal_patterns(rule.phrases)
        if not patterns:
            continue
        bounded = [p[2:] for p in patterns if p.startswith("\\b")]
        free = [p for p in patterns if not p.startswith("\\b")]
        compiled.append(
            PatternRule(
                id=rule.id,
                family="team rule",
                severity="info" if rule.severity == "info" else "warning",
                message=rule.message,
                suggestion=rule.suggestion,
                regex=Scanner(
                    re.compile("|".join(bounded)) if bounded else None,
                    re.compile("|".join(free)) if free else None,
                ),
                replacement=_team_replacement(rule.suggestion),
            )
        )
    return tuple(compiled)
