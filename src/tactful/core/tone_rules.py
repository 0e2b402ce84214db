"""Loading and compiling the tone rules: the bundled data and a team's own rules.

The bundled rules live in ``resources/tone``: ``structure.toml`` holds the
whole-draft checks and the cues they share, ``lexicon.toml`` the word lists
patterns name as ``@list`` (see ``tone_lexicon``), and every other ``*.toml``
except ``customer.toml`` holds ``[[rules]]`` of phrases and patterns. They are
ours, so they may be regular expressions. A team's rules (``ToneRule`` from a
pack) are literal phrases: they are escaped, never compiled as written.

Everything is compiled once into a :class:`RuleBook`; checking a draft only
runs the compiled patterns.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tactful.core.model import ToneRule
from tactful.core.tone_lexicon import Lexicon, load_lexicon
from tactful.core.tone_lexicon import ToneDataError as ToneDataError
from tactful.core.tone_scan import Scanner as Scanner
from tactful.core.tone_text import Negation
from tactful.resources import resource_dir

SEVERITIES = ("info", "warning")
UNLESS = ("", "commitment", "alternative", "alternative-in-draft")
_FLAGS = re.MULTILINE
_NOT_RULE_FILES = frozenset({"structure.toml", "customer.toml", "lexicon.toml"})
_NO_LEXICON = Lexicon({})
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
        "not_after",
    }
)
_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
TEAM_REPLACEMENT_MAX_WORDS = 6
"""A team rule's suggestion doubles as its one-click replacement when it is a
short phrase (this many words at most, no sentence punctuation)."""


@dataclass(frozen=True, slots=True)
class PatternRule:
    """One compiled way a rule can fire.

    Attributes:
        regex: Matched against the normalised draft in lower case.
        replacement: The one-click replacement, "" to delete, None for none.
        replacement_group: A named group whose text is the replacement.
        negatable: Skip matches a negation shortly before cancels.
        unless: "commitment" or "alternative": skip when the same sentence or
            those just before or after have one; "alternative-in-draft": skip when any sentence
            offers one; "" never skips.
        in_quotes: Also report inside quotation marks.
        not_after: Skip a match when one of these words is among the two
            just before it, in the same clause ("if you didn't get it").
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
    not_after: frozenset[str] = frozenset()


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
    investigation: Scanner
    alternative: Scanner
    apology: Scanner
    acknowledgement: Scanner
    negation: Negation
    sentences_after: int
    sentences_before: int = 0

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


_ESCAPE_OR_GROUP = re.compile(r"\\.|\(\?P<\w+>|\(\?P=\w+\)")


def compile_patterns(
    path: Path, where: str, patterns: Iterable[str], lexicon: Lexicon = _NO_LEXICON
) -> Scanner:
    """Compile ``patterns`` (lower case) into a :class:`Scanner`.

    ``@name`` references to word lists are expanded from ``lexicon`` first.
    """
    expanded: list[str] = []
    for written in patterns:
        pattern = lexicon.expand(written, path, where) if "@" in written else written
        if any(ch.isupper() for ch in _ESCAPE_OR_GROUP.sub("", pattern)):
            raise ToneDataError(path, where, f"write patterns in lower case: {written!r}")
        expanded.append(pattern)
    if not expanded:
        raise ToneDataError(path, where, "expected at least one pattern")
    try:
        return Scanner(expanded, _FLAGS)
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


def _shield(path: Path, where: str, raw: Any, lexicon: Lexicon) -> frozenset[str]:
    if raw is None:
        return frozenset()
    if not isinstance(raw, str) or raw not in lexicon:
        raise ToneDataError(path, where, f"expected the name of a word list, got {raw!r}")
    words = lexicon.words(raw)
    if any(" " in w for w in words):
        raise ToneDataError(path, where, f"word list {raw!r} must hold single words")
    return frozenset(words)


def _rule(path: Path, index: int, raw: Any, lexicon: Lexicon) -> PatternRule:
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
    regex = compile_patterns(
        path, f"{where}.patterns", [*patterns, *_literal_patterns(phrases)], lexicon
    )
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
        not_after=_shield(path, f"{where}.not_after", raw.get("not_after"), lexicon),
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
    lexicon_path = folder / "lexicon.toml"
    lexicon = load_lexicon(lexicon_path, read_data(lexicon_path))
    structure_path = folder / "structure.toml"
    structure = read_data(structure_path)
    cues = structure.get("cues", {})
    window = structure.get("window", {})

    def cue(name: str) -> Scanner:
        where = f"cues.{name}"
        return compile_patterns(
            structure_path, where, strings(structure_path, where, cues.get(name)), lexicon
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
        rules.extend(_rule(path, i, raw, lexicon) for i, raw in enumerate(entries))
    return RuleBook(
        rules=tuple(rules),
        checks=checks,
        commitment=cue("commitment"),
        investigation=cue("investigation"),
        alternative=cue("alternative"),
        apology=cue("apology"),
        acknowledgement=cue("acknowledgement"),
        negation=Negation(
            strings(structure_path, "cues.negators", cues.get("negators")),
            int(window.get("negation_words", 5)),
        ),
        sentences_after=int(window.get("sentences_after", 2)),
        sentences_before=int(window.get("sentences_before", 0)),
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
        compiled.append(
            PatternRule(
                id=rule.id,
                family="team rule",
                severity="info" if rule.severity == "info" else "warning",
                message=rule.message,
                suggestion=rule.suggestion,
                regex=Scanner(patterns, 0),
                replacement=_team_replacement(rule.suggestion),
            )
        )
    return tuple(compiled)
