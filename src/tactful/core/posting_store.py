"""All posting lists of an index, stored compactly and materialized on demand.

An index of 10,000 templates has thousands of terms, each with a few tiers of
two arrays. Pickled one by one (for the start-up cache) those are tens of
thousands of small objects, which is slow to read back. Pickled through
``PostingStore`` they are five flat arrays and a list of terms; a term's
``Posting`` is rebuilt from slices of those arrays the first time a query
asks for it. How many templates contain a term (``df``) is known without
building anything, which is all prefix completion and typo matching need.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator, Mapping
from typing import Any

from tactful.core.postings import Posting, Tier


class PostingStore(Mapping[str, Posting]):
    """Term to ``Posting``, read-only."""

    __slots__ = ("_blobs", "_built", "_df", "_slot")

    def __init__(self, postings: Mapping[str, Posting]) -> None:
        self._built: dict[str, Posting] = dict(postings)
        self._slot: dict[str, int] = {}
        self._df: dict[str, int] = {term: posting.df for term, posting in postings.items()}
        self._blobs: tuple[
            array[int], array[int], array[int], array[float], array[int], array[float]
        ]
        self._blobs = (array("i"), array("i"), array("i"), array("f"), array("i"), array("f"))

    # -- Mapping -----------------------------------------------------------------

    def __getitem__(self, term: str) -> Posting:
        posting = self._built.get(term)
        if posting is None:
            slot = self._slot[term]  # KeyError for an unknown term, as a mapping should
            posting = self._build(slot, self._df[term])
            self._built[term] = posting
        return posting

    def __contains__(self, term: object) -> bool:
        return term in self._df

    def __iter__(self) -> Iterator[str]:
        return iter(self._df)

    def __len__(self) -> int:
        return len(self._df)

    def df(self, term: str) -> int:
        """How many templates contain ``term`` (0 for an unknown one)."""
        return self._df.get(term, 0)

    def to_dict(self) -> dict[str, Posting]:
        """Every posting, built."""
        return {term: self[term] for term in self._df}

    # -- compact form ------------------------------------------------------------

    def _build(self, slot: int, df: int) -> Posting:
        first, starts, lengths, tops, ids, weights = self._blobs
        tiers = []
        for tier in range(first[slot], first[slot + 1]):
            start = starts[tier]
            end = start + lengths[tier]
            tiers.append(Tier(ids[start:end], weights[start:end], tops[tier]))
        return Posting(tuple(tiers), df)

    def __reduce__(self) -> tuple[Any, ...]:
        terms = list(self._df)
        first: array[int] = array("i", [0])
        starts: array[int] = array("i")
        lengths: array[int] = array("i")
        tops: array[float] = array("f")
        ids: array[int] = array("i")
        weights: array[float] = array("f")
        for term in terms:
            for tier in self[term].tiers:
                starts.append(len(ids))
                lengths.append(len(tier.ids))
                tops.append(tier.top)
                ids.extend(tier.ids)
                weights.extend(tier.weights)
            first.append(len(starts))
        dfs = array("i", (self._df[term] for term in terms))
        return (_restore, (terms, dfs, first, starts, lengths, tops, ids, weights))


def _restore(
    terms: list[str],
    dfs: array[int],
    first: array[int],
    starts: array[int],
    lengths: array[int],
    tops: array[float],
    ids: array[int],
    weights: array[float],
) -> PostingStore:
    store = PostingStore({})
    store._df = dict(zip(terms, dfs, strict=True))
    store._slot = {term: slot for slot, term in enumerate(terms)}
    store._blobs = (first, starts, lengths, tops, ids, weights)
    return store
