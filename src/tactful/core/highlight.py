"""Match spans: where a query matched in a hit's title and body, for highlighting.

Computed only for the hits a search returns, from every spelling the index
has seen for the matched terms (``charge``, ``charged``, ``charges``…): each is
looked up in the lower-cased text and kept where it is a whole word, which is
much cheaper than analyzing each word again. A synonym phrase of several words ("money back")
is found by analyzing the text, and only in templates that contain that
phrase's concept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tactful.core import analyzer
from tactful.core.lexicon import CONCEPT_PREFIX, Lexicon

FIND_LIMIT = 64
"""Up to this many spellings, each is searched for; beyond, the text is split into words."""
_APOSTROPHES = "'\u2019"


def _in_word(char: str) -> bool:
    return char.isalnum() or unicodedata.combining(char) > 0


def _whole_word(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is a whole word as ``analyzer.WORD`` cuts words."""
    if start > 0:
        before = text[start - 1]
        if _in_word(before) or (before in _APOSTROPHES and start > 1 and _in_word(text[start - 2])):
            return False
    if end < len(text):
        after = text[end]
        if _in_word(after) or (
            after in _APOSTROPHES and end + 1 < len(text) and _in_word(text[end + 1])
        ):
            return False
    return True


_PLACEHOLDER_NAME = re.compile(r"(?<=\{)[a-z_][a-z0-9_]*(?=[|}])")


@dataclass(frozen=True, slots=True)
class Span:
    """A matched stretch of text, for highlighting.

    Attributes:
        field: ``"title"`` or ``"body"`` (the body of the channel searched for).
        start: Offset of the first character.
        end: Offset one past the last character.
    """

    field: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Highlighter:
    """Finds the spans of one query's matched terms.

    Attributes:
        spellings: Every spelling (lower case) of the matched words.
        phrase_concepts: Matched concepts that have phrases of several words.
        lexicon: The lexicon, to find those phrases.
    """

    spellings: frozenset[str]
    phrase_concepts: frozenset[str]
    lexicon: Lexicon

    @classmethod
    def for_terms(
        cls, matched: Iterable[str], spellings: Mapping[str, tuple[str, ...]], lexicon: Lexicon
    ) -> Highlighter:
        """A highlighter for ``matched`` (words and concepts) given each word's spellings."""
        words: set[str] = set()
        phrase_concepts: set[str] = set()
        for found in matched:
            if not found.startswith(CONCEPT_PREFIX):
                words.add(found)
                continue
            for phrase in lexicon.phrases(found):
                if len(phrase) == 1:
                    words.add(phrase[0])
                else:
                    phrase_concepts.add(found)
        forms = frozenset(form for word in words for form in spellings.get(word, ()))
        return cls(forms, frozenset(phrase_concepts), lexicon)

    def spans(self, field: str, text: str, concepts: Iterable[str] = ()) -> list[Span]:
        """The spans in ``text``; ``concepts`` are the phrase concepts the template has."""
        found: set[Span] = set()
        forms = self.spellings
        if "{" in text:  # words of a placeholder's name are not words of the text
            text = _PLACEHOLDER_NAME.sub(lambda m: " " * len(m.group()), text)
        if forms:
            lowered = text.lower()
            if len(lowered) == len(text) and len(forms) <= FIND_LIMIT:
                # Few spellings: look each one up in C and keep whole words only.
                for form in forms:
                    start = lowered.find(form)
                    while start != -1:
                        end = start + len(form)
                        if _whole_word(lowered, start, end):
                            found.add(Span(field, start, end))
                        start = lowered.find(form, start + 1)
            else:
                for word in analyzer.WORD.finditer(text):
                    if word.group().lower() in forms:
                        found.add(Span(field, *word.span()))
        wanted = self.phrase_concepts.intersection(concepts)
        if wanted:
            tokens = analyzer.tokens_with_offsets(text)
            for match in self.lexicon.find([word for word, _, _ in tokens]):
                if match.concept in wanted:
                    found.update(
                        Span(field, start, end) for _, start, end in tokens[match.start : match.end]
                    )
        return sorted(found, key=lambda span: span.start)
