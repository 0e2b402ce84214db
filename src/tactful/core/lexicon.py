"""The synonym lexicon: groups of words and phrases that mean the same to a customer.

Search widens recall with it: "money back" finds templates that say
"refund", "parcel" finds "package". Groups are data, in
``resources/lexicon/synonyms.toml``::

    format = 1

    [[group]]
    terms = ["money back", "refund", "reimburse"]

Each group becomes one *concept*. A phrase of a group found in a template or a
query adds the group's concept term (``~<n>``) next to the words themselves,
so two texts that use different members of one group share a term. Phrases
are matched on analyzed terms (folded and stemmed, stop words left out), the
same way the index sees text.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from tactful.core import analyzer
from tactful.core.errors import TactfulError

LEXICON_FORMAT = 1
"""The newest lexicon file format this app reads."""

_log = logging.getLogger(__name__)

CONCEPT_PREFIX = "~"
"""Concept terms start with this; the tokenizer never produces it, so they cannot clash."""


class LexiconError(TactfulError):
    """A synonym lexicon file cannot be used; the message names the file and the group."""


@dataclass(frozen=True, slots=True)
class ConceptMatch:
    """One phrase of the lexicon found in a sequence of terms.

    Attributes:
        start: Index of the phrase's first term.
        end: Index one past its last term.
        concept: The concept term of the phrase's group, such as ``~12``.
    """

    start: int
    end: int
    concept: str


@dataclass(frozen=True, slots=True)
class Lexicon:
    """Synonym groups, ready to be matched against analyzed text.

    Attributes:
        groups: The groups as written, one tuple of phrases per group.
    """

    groups: tuple[tuple[str, ...], ...]
    _by_first: dict[str, tuple[tuple[tuple[str, ...], str], ...]] = field(repr=False, compare=False)
    _by_concept: dict[str, tuple[tuple[str, ...], ...]] = field(repr=False, compare=False)
    _words: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    @classmethod
    def from_groups(cls, groups: Iterable[Sequence[str]]) -> Lexicon:
        """Build a lexicon from groups of phrases (a group needs two or more phrases)."""
        kept: list[tuple[str, ...]] = []
        by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for group in groups:
            phrases = tuple(dict.fromkeys(p.strip() for p in group if p.strip()))
            if len(phrases) < 2:
                continue
            concept = f"{CONCEPT_PREFIX}{len(kept)}"
            kept.append(phrases)
            seen: set[tuple[str, ...]] = set()
            for phrase in phrases:
                analyzed = tuple(analyzer.terms(phrase))
                if not analyzed or analyzed in seen:
                    continue
                seen.add(analyzed)
                by_first.setdefault(analyzed[0], []).append((analyzed, concept))
        frozen = {
            first: tuple(sorted(entries, key=lambda e: (-len(e[0]), e[1])))
            for first, entries in by_first.items()
        }
        by_concept: dict[str, list[tuple[str, ...]]] = {}
        for entries in frozen.values():
            for analyzed_phrase, owner in entries:
                by_concept.setdefault(owner, []).append(analyzed_phrase)
        return cls(
            groups=tuple(kept),
            _by_first=frozen,
            _by_concept={concept: tuple(sorted(p)) for concept, p in by_concept.items()},
            _words=frozenset(
                word for phrases in by_concept.values() for p in phrases for word in p
            ),
        )

    @classmethod
    def empty(cls) -> Lexicon:
        """A lexicon without groups: search then matches words only."""
        return cls.from_groups(())

    @classmethod
    def load(cls, path: Path) -> Lexicon:
        """Read a lexicon file.

        Raises:
            LexiconError: The file is unreadable, not TOML, of a newer format,
                or a group is malformed; the message names the file and group.
        """
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise LexiconError(f"{path}: cannot read the synonym lexicon: {exc}") from exc
        fmt = data.get("format")
        if not isinstance(fmt, int) or isinstance(fmt, bool) or fmt < 1:
            raise LexiconError(f"{path}: format: expected a positive integer, got {fmt!r}")
        if fmt > LEXICON_FORMAT:
            raise LexiconError(
                f"{path}: format: {fmt} is newer than this app reads ({LEXICON_FORMAT})"
            )
        unknown = sorted(set(data) - {"format", "group"})
        if unknown:
            raise LexiconError(f"{path}: unknown key(s): {', '.join(unknown)}")
        raw_groups = data.get("group", [])
        if not isinstance(raw_groups, list):
            raise LexiconError(f"{path}: group: expected an array of tables ([[group]])")
        groups: list[list[str]] = []
        for number, entry in enumerate(raw_groups):
            where = f"{path}: group[{number}]"
            if not isinstance(entry, dict):
                raise LexiconError(f"{where}: expected a table")
            extra = sorted(set(entry) - {"terms", "note"})
            if extra:
                raise LexiconError(f"{where}: unknown key(s): {', '.join(extra)}")
            phrases = entry.get("terms")
            if (
                not isinstance(phrases, list)
                or len(phrases) < 2
                or not all(isinstance(p, str) and p.strip() for p in phrases)
            ):
                raise LexiconError(f"{where}.terms: expected two or more non-empty strings")
            groups.append(phrases)
        return cls.from_groups(groups)

    @classmethod
    def bundled(cls) -> Lexicon:
        """The lexicon shipped with Tactful (``resources/lexicon/synonyms.toml``)."""
        from tactful.resources import resource_dir

        return cls.load(resource_dir("lexicon") / "synonyms.toml")

    def find(self, terms: Sequence[str]) -> list[ConceptMatch]:
        """Every phrase of the lexicon that occurs in ``terms`` (analyzed terms), in order."""
        found: list[ConceptMatch] = []
        by_first = self._by_first
        count = len(terms)
        for start, first in enumerate(terms):
            entries = by_first.get(first)
            if not entries:
                continue
            for phrase, concept in entries:
                end = start + len(phrase)
                if end <= count and (len(phrase) == 1 or tuple(terms[start:end]) == phrase):
                    found.append(ConceptMatch(start, end, concept))
        return found

    def knows(self, word: str) -> bool:
        """Whether ``word`` (an analyzed term) is part of some phrase of the lexicon.

        Such a word is a real word even when no template uses it ("pincode",
        "cod"): search does not read it as a typo of another word.
        """
        return word in self._words

    def phrases(self, concept: str) -> tuple[tuple[str, ...], ...]:
        """The analyzed phrases of a concept term (empty for an unknown one)."""
        return self._by_concept.get(concept, ())

    def concepts_of(self, phrase: str) -> list[str]:
        """The concept terms a whole phrase belongs to (for tests and tools)."""
        analyzed = tuple(analyzer.terms(phrase))
        return sorted(
            {
                concept
                for concept_phrase, concept in self._by_first.get(analyzed[0], ())
                if concept_phrase == analyzed
            }
            if analyzed
            else set()
        )


@cache
def default_lexicon() -> Lexicon:
    """The bundled lexicon, read once; an unusable file is logged and search goes without."""
    try:
        return Lexicon.bundled()
    except LexiconError as exc:
        _log.warning("synonyms are off: %s", exc)
        return Lexicon.empty()
