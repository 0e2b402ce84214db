"""From what the agent typed or pasted to weighted index terms (a query plan).

Each query word is matched exactly, by prefix when it is the word still
being typed (the last of a short query, with no space after it), and with one
or two typos against the index vocabulary (rapidfuzz, OSA distance, looked up
only among words of a similar length and remembered). Phrases of the synonym
lexicon add their concept term. A word repeated in a pasted message counts a
little more (1 + ln n); a long message keeps its most informative words.

The plan also scores the situation profiles (``profiles.py``): the
situations the words point at, with the lift their templates get.
"""

from __future__ import annotations

import bisect
import heapq
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from tactful.core import analyzer
from tactful.core.lexicon import Lexicon
from tactful.core.posting_store import PostingStore
from tactful.core.profiles import Profiles

SITUATION_WEIGHT = 2.0
"""How much a situation's profile score lifts each of its matching templates."""
SYNONYM_WEIGHT = 0.6
"""A concept term found through the lexicon counts this much of the words themselves."""
PHRASE_WEIGHT = 1.0
"""The same for a concept found through a phrase of two or more words ("not arrived")."""
PREFIX_LIMIT = 8
"""At most this many completions of the word being typed (the most common ones)."""
COMPLETE_WORD_PREFIX = 0.5
"""Completions of a typed word that is itself in the index count this much less."""
TYPO_SIMILARITY = (0.6, 0.4)
"""What a vocabulary word one or two edits away counts for, relative to an exact match."""
FUZZY_LIMIT = 4
"""At most this many vocabulary terms for one misspelt word."""
MAX_QUERY_CHARS = 6_000
"""Longer queries are cut here: a pasted message is read up to this length."""
MAX_QUERY_TOKENS = 800
"""At most this many words of a query are read."""
MAX_QUERY_GROUPS = 40
"""A long query keeps its most informative words, at most this many."""
TYPED_QUERY_TOKENS = 8
"""Queries of at most this many words are "typed": the last word counts as a prefix."""
CACHE_SIZE = 4096
"""Completions and typo look-ups remembered (keystrokes repeat the same words)."""


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What a query looks for.

    Attributes:
        terms: Index terms (words and concepts) with their factors, in a fixed order.
        situations: Situation ids with the lift their templates get (from the profiles).
        matched: The terms to highlight in hits.
    """

    terms: tuple[tuple[str, float], ...]
    situations: tuple[tuple[str, float], ...]
    matched: frozenset[str]


class Planner:
    """Plans queries against one index's vocabulary, postings, lexicon and profiles."""

    __slots__ = ("_by_len", "_cache", "_lexicon", "_live", "_postings", "_profiles", "_vocab")

    def __init__(
        self,
        postings: PostingStore,
        vocab: Sequence[str],
        lexicon: Lexicon,
        profiles: Profiles,
        live: int,
    ) -> None:
        self._postings = postings
        self._vocab = vocab
        self._lexicon = lexicon
        self._profiles = profiles
        self._live = live
        self._by_len: dict[int, list[str]] | None = None
        self._cache: dict[tuple[str, str], list[str] | list[tuple[str, int]]] = {}

    def idf(self, found: str) -> float:
        """The rarity weight of an index term (0 when no template has it)."""
        df = self._postings.df(found)
        if not df:
            return 0.0
        return math.log(1.0 + (self._live - df + 0.5) / (df + 0.5))

    def _remember(self, key: tuple[str, str], value: list[str] | list[tuple[str, int]]) -> None:
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = value

    def completions(self, prefix: str) -> list[str]:
        """The most common vocabulary words that start with ``prefix``."""
        cached = self._cache.get(("prefix", prefix))
        if cached is not None:
            return cached  # type: ignore[return-value]
        vocab = self._vocab
        start = bisect.bisect_left(vocab, prefix)
        end = bisect.bisect_left(vocab, prefix + "\U0010ffff")
        found = list(vocab[start:end])
        if len(found) > PREFIX_LIMIT:
            postings = self._postings
            found = heapq.nsmallest(PREFIX_LIMIT, found, key=lambda t: (-postings.df(t), t))
        self._remember(("prefix", prefix), found)
        return found

    def typos(self, word: str) -> list[tuple[str, int]]:
        """Vocabulary words within one typo of ``word`` (two from seven letters), with distances."""
        cached = self._cache.get(("typo", word))
        if cached is not None:
            return cached  # type: ignore[return-value]
        if self._by_len is None:
            by_len: dict[int, list[str]] = {}
            for known in self._vocab:
                by_len.setdefault(len(known), []).append(known)
            self._by_len = by_len
        found = fuzzy_lookup(word, self._by_len)
        self._remember(("typo", word), found)
        return found

    def expand(self, found: str, token: str, open_end: bool) -> dict[str, float]:
        """The index terms one query word stands for, with a similarity in (0, 1]."""
        expansions: dict[str, float] = {}
        indexed = found in self._postings
        if indexed:
            expansions[found] = 1.0
        # A word of the lexicon is a real word even when no template uses it.
        known = indexed or self._lexicon.knows(found)
        if open_end and len(found) >= 2:
            # A word that is already known is less likely to be unfinished.
            scale = COMPLETE_WORD_PREFIX if known else 1.0
            folded = analyzer.fold(token)
            for prefix in sorted({folded, found}):
                for completion in self.completions(prefix):
                    sim = scale * min(0.6 + 0.4 * len(prefix) / len(completion), 1.0)
                    if sim > expansions.get(completion, 0.0):
                        expansions[completion] = sim
        if not known and len(found) >= 4 and found.isalpha():
            for candidate, distance in self.typos(found):
                sim = TYPO_SIMILARITY[min(distance, 2) - 1]
                if sim > expansions.get(candidate, 0.0):
                    expansions[candidate] = sim
        return expansions

    def plan(self, query: str, situations: Mapping[str, int]) -> QueryPlan:
        """Turn a query into weighted index terms and situation lifts.

        Args:
            query: What the agent typed or pasted.
            situations: The situations present in the index.
        """
        text = query[:MAX_QUERY_CHARS]
        raw = list(analyzer.raw_tokens(text))[:MAX_QUERY_TOKENS]
        open_end = len(raw) <= TYPED_QUERY_TOKENS and bool(raw) and raw[-1][2] == len(text)
        written: list[str] = []
        guessed: list[str] = []
        sims: list[float] = []
        groups: dict[str, tuple[int, dict[str, float]]] = {}
        for position, (token, _start, _end) in enumerate(raw):
            found = analyzer.term(token)
            if found is None:
                continue
            written.append(found)
            last = open_end and position == len(raw) - 1
            expansions = self.expand(found, token, last)
            if not expansions:
                guessed.append(found)
                sims.append(1.0)
                continue
            best, sim = max(expansions.items(), key=lambda item: (item[1], -len(item[0]), item[0]))
            guessed.append(best)
            sims.append(sim)
            count, _ = groups.get(found, (0, expansions))
            groups[found] = (count + 1, expansions)
        weighted: list[tuple[float, dict[str, float]]] = [
            (1.0 + math.log(count), expansions) for count, expansions in groups.values()
        ]
        concepts: dict[str, float] = {}
        for words, word_sims in ((written, [1.0] * len(written)), (guessed, sims)):
            for match in self._lexicon.find(words):
                if match.concept in self._postings:
                    scale = SYNONYM_WEIGHT if match.end - match.start == 1 else PHRASE_WEIGHT
                    sim = min(word_sims[match.start : match.end]) * scale
                    concepts[match.concept] = max(sim, concepts.get(match.concept, 0.0))
        weighted.extend((1.0, {concept: sim}) for concept, sim in sorted(concepts.items()))
        if len(weighted) > MAX_QUERY_GROUPS:
            weighted.sort(
                key=lambda item: -item[0] * max(self.idf(t) * s for t, s in item[1].items())
            )
            weighted = weighted[:MAX_QUERY_GROUPS]
        asked: dict[str, float] = {}
        for weight, expansions in weighted:
            for found, sim in sorted(expansions.items()):
                asked[found] = asked.get(found, 0.0) + weight * sim
        terms = tuple(
            (found, factor)
            for found, weight in asked.items()
            if (factor := weight * self.idf(found)) > 0.0
        )
        return QueryPlan(terms, self._lifts(asked, situations), frozenset(t for t, _ in terms))

    def _lifts(
        self, asked: Mapping[str, float], situations: Mapping[str, int]
    ) -> tuple[tuple[str, float], ...]:
        scored = {
            sid: value for sid, value in self._profiles.score(asked).items() if sid in situations
        }
        # What every situation gets lifts every matching template alike and changes no
        # order; leaving it out keeps the bounds of postings.top_k tight.
        everywhere = scored and len(scored) == len(situations)
        floor = min(scored.values()) if everywhere else 0.0
        return tuple(
            (sid, SITUATION_WEIGHT * (value - floor))
            for sid, value in sorted(scored.items())
            if value > floor
        )


def fuzzy_lookup(word: str, by_len: Mapping[int, list[str]]) -> list[tuple[str, int]]:
    """Vocabulary terms within one typo (two for words of seven letters or more)."""
    max_distance = 1 if len(word) <= 6 else 2
    candidates: list[tuple[str, int]] = []
    for length in range(len(word) - max_distance, len(word) + max_distance + 1):
        choices = by_len.get(length)
        if not choices:
            continue
        for choice, distance, _ in process.extract(
            word, choices, scorer=OSA.distance, score_cutoff=max_distance, limit=FUZZY_LIMIT
        ):
            candidates.append((choice, int(distance)))
    candidates.sort(key=lambda item: (item[1], item[0]))
    return candidates[:FUZZY_LIMIT]
