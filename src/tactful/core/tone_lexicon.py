"""Word lists the tone rules share, and their expansion into patterns.

The bundled rules describe grammar (a second-person subject, then an omission,
then something the customer does) and leave the words to lists kept as data in
``resources/tone/lexicon.toml``. A pattern names a list as ``@name``; a verb
list also has ``@name.past`` and ``@name.participle``. Expanding a reference
gives a non-capturing alternation of the list's entries, longest first, each
entry literal with its spaces matching any run of whitespace.

Verb entries are base forms. A regular verb is written once (``enter`` gives
``entered``; ``apply`` gives ``applied``; ``type`` gives ``typed``); any other
gives its forms after slashes: ``send/sent`` (past and participle alike) or
``give/gave/given``. A form with two spellings lists both with ``|``:
``cancel/cancelled|canceled``. In a phrasal verb the first word is inflected
(``fill in`` gives ``filled in``) unless the forms are written out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

__all__ = ["FORMS", "Lexicon", "ToneDataError", "inflect", "load_lexicon"]

FORMS = ("past", "participle")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,47}$")
_REFERENCE = re.compile(r"@([a-z][a-z0-9_]*)(?:\.([a-z]+))?")
_ENTRY = re.compile(r"^[a-z0-9&'.,-]+(?: [a-z0-9&'.,-]+)*$")
_VOWELS = frozenset("aeiou")


class ToneDataError(ValueError):
    """The bundled tone data is malformed (a defect in Tactful, not user input).

    The message names the file, the key and what is wrong.
    """

    def __init__(self, path: Path, where: str, detail: str) -> None:
        super().__init__(f"{path.name}: {where}: {detail}")


def _regular(word: str) -> str:
    if word.endswith("e"):
        return word + "d"
    if len(word) > 1 and word.endswith("y") and word[-2] not in _VOWELS:
        return word[:-1] + "ied"
    return word + "ed"


def inflect(entry: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The base, past and participle spellings of one verb entry.

    ``"fill in"`` gives ``(("fill in",), ("filled in",), ("filled in",))``;
    ``"give/gave/given"`` and ``"cancel/cancelled|canceled"`` give their forms
    as written (a missing participle is the past).
    """
    parts = [p.strip() for p in entry.split("/")]
    base = parts[0]
    if len(parts) == 1:
        first, _, rest = base.partition(" ")
        past = _regular(first) + (" " + rest if rest else "")
        parts.append(past)
    if len(parts) == 2:
        parts.append(parts[1])

    def spellings(part: str) -> tuple[str, ...]:
        return tuple(s.strip() for s in part.split("|") if s.strip())

    return spellings(parts[0]), spellings(parts[1]), spellings(parts[2])


def _alternation(entries: Iterable[str]) -> str:
    unique = sorted(set(entries), key=lambda e: (-len(e), e))
    return "(?:" + "|".join(r"\s+".join(re.escape(w) for w in e.split()) for e in unique) + ")"


class Lexicon:
    """Named word lists, ready to be referenced from patterns."""

    def __init__(self, lists: Mapping[str, tuple[str, ...]]) -> None:
        self._lists = dict(lists)
        self._patterns = {name: _alternation(words) for name, words in self._lists.items()}

    def __contains__(self, name: object) -> bool:
        return name in self._lists

    def words(self, name: str) -> tuple[str, ...]:
        """The entries of list ``name`` (``"verbs.past"`` for a verb form)."""
        return self._lists[name]

    def expand(self, pattern: str, path: Path, where: str) -> str:
        """``pattern`` with every ``@name`` (or ``@name.form``) replaced by its alternation.

        Raises:
            ToneDataError: The pattern names a list or form that doesn't exist.
        """

        def replace(m: re.Match[str]) -> str:
            key = m.group(1) if m.group(2) is None else f"{m.group(1)}.{m.group(2)}"
            found = self._patterns.get(key)
            if found is None:
                raise ToneDataError(path, where, f"no word list named @{key}")
            return found

        return _REFERENCE.sub(replace, pattern)


def _entries(path: Path, where: str, raw: Any) -> list[str]:
    if not isinstance(raw, list) or not raw or not all(isinstance(v, str) for v in raw):
        raise ToneDataError(path, where, "expected a non-empty list of strings")
    out: list[str] = []
    for value in raw:
        entry = " ".join(value.split())
        spellings = entry.replace("/", " ").replace("|", " ")
        if not _ENTRY.match(spellings):
            raise ToneDataError(
                path, where, f"{value!r}: lower-case words only (letters, digits, ' & . , -)"
            )
        out.append(entry)
    return out


def load_lexicon(path: Path, data: Mapping[str, Any]) -> Lexicon:
    """Build a :class:`Lexicon` from the parsed ``lexicon.toml`` (``data``).

    ``[words]`` holds plain lists; ``[verbs]`` holds verb lists, which also
    give ``name.past`` and ``name.participle``.

    Raises:
        ToneDataError: A table or list is malformed; the message names the key.
    """
    unknown = set(data) - {"words", "verbs"}
    if unknown:
        raise ToneDataError(path, "file", f"unknown table(s): {', '.join(sorted(unknown))}")
    lists: dict[str, tuple[str, ...]] = {}
    for table in ("words", "verbs"):
        raw = data.get(table, {})
        if not isinstance(raw, dict):
            raise ToneDataError(path, table, "expected a table of lists")
        for name, values in raw.items():
            where = f"{table}.{name}"
            if not _NAME.match(name):
                raise ToneDataError(path, where, "names are lower case, digits and '_'")
            if name in lists:
                raise ToneDataError(path, where, "this name is used twice")
            entries = _entries(path, where, values)
            if any(e.count("/") > 2 for e in entries):
                raise ToneDataError(path, where, "a verb has at most 3 forms: base/past/participle")
            if table == "words":
                if any("/" in e or "|" in e for e in entries):
                    raise ToneDataError(path, where, "'/' and '|' are for [verbs] only")
                lists[name] = tuple(entries)
                continue
            forms = [inflect(e) for e in entries]
            lists[name] = tuple(s for f in forms for s in f[0])
            lists[f"{name}.past"] = tuple(s for f in forms for s in f[1])
            lists[f"{name}.participle"] = tuple(s for f in forms for s in f[2])
    return Lexicon(lists)
