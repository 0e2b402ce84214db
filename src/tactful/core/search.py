"""The search index and its ranking.

The popup searches on every keystroke, so the library is indexed once per
change (``SearchIndex.build``, or ``replace_pack`` when one pack changed) and
a query only touches the posting lists of its own terms.

How templates are weighted (BM25F over title, keywords, situation, tags and
bodies) is in ``weighting.py``; how a query becomes weighted terms (exact,
prefix of the word being typed, typos, synonyms, situation lifts) in
``query.py``; the exact top-k over tiered postings in ``postings.py``. This
module puts them together: it ranks, lifts favourites and frequently used
templates (bounded), keeps close matches of other situations on the first
screen, and computes match spans for the returned hits only.
"""

from __future__ import annotations

import heapq
from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from tactful.core import analyzer
from tactful.core.highlight import Highlighter, Span
from tactful.core.lexicon import CONCEPT_PREFIX, Lexicon, default_lexicon
from tactful.core.model import Situation, Template
from tactful.core.posting_store import PostingStore
from tactful.core.postings import SLACK, Lift, Posting, QueryTerm, exact_score, top_k, weighted
from tactful.core.profiles import PackCounts, Profiles, count_pack
from tactful.core.query import Planner, QueryPlan
from tactful.core.weighting import Columns, add_to_columns, analyze_template, postings_from

DIVERSITY = 0.7
"""Each template of a situation already listed scales the next one's score by this, so a
close match from another situation is not pushed off the first screen (1 turns it off)."""
DIVERSITY_POOL = 3
"""Diversity chooses among this many times ``limit`` best-scoring templates."""
BOOST_LIMIT = 0.2
"""Frecency and favourites lift a score by at most this fraction."""
HIGHLIGHT_CACHE = 512
"""Highlighters remembered (keystrokes repeat the same matched terms)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """One search result.

    Attributes:
        template: The template found.
        score: Higher is better; comparable within one result list.
        spans: Where the query matched in the title and body.
    """

    template: Template
    score: float
    spans: tuple[Span, ...]


@dataclass(frozen=True, slots=True)
class _Parts:
    """What an index is made of; everything else is derived from it when loaded.

    ``pack_counts`` feeds the situation profiles; it is only needed to replace a
    pack, so it is not pickled and is counted again when first needed.
    """

    docs: list[Template | None]
    postings: PostingStore
    pack_docs: dict[str, tuple[int, ...]]
    pack_terms: dict[str, frozenset[str]]
    pack_counts: dict[str, PackCounts] | None
    situations: dict[str, Situation]
    forms: dict[str, tuple[str, ...]]
    profiles: Profiles
    lexicon: Lexicon
    vocab: list[str]
    """The words of the index (concepts left out), sorted: for completions and typos."""
    situation_ids: tuple[str, ...]
    """The situations of the indexed templates."""
    situation_of: array[int]
    """Each template's situation (index into ``situation_ids``), by template number."""


def _situation_groups(docs: Sequence[Template | None]) -> tuple[tuple[str, ...], array[int]]:
    ids = tuple(sorted({doc.situation for doc in docs if doc is not None}))
    place = {sid: n for n, sid in enumerate(ids)}
    return ids, array("H", [place[doc.situation] if doc is not None else 0 for doc in docs])


def _spellings(
    words: Iterable[str], known: Mapping[str, tuple[str, ...]]
) -> dict[str, tuple[str, ...]]:
    """Each word's spellings: those already known plus those analyzed in this process."""
    out: dict[str, tuple[str, ...]] = {}
    for word in words:
        if word.startswith(CONCEPT_PREFIX):
            continue
        seen = analyzer.forms(word)
        old = known.get(word, ())
        out[word] = tuple(sorted(seen.union(old))) if not seen.issubset(old) else old
    return out


class SearchIndex:
    """An inverted index over the templates of a library.

    Immutable once built: ``replace_pack`` returns a new index and shares the
    posting lists that did not change. Template numbers only grow, so every
    posting stays sorted.
    """

    __slots__ = (
        "_by_full_id",
        "_cache",
        "_lexicon",
        "_live",
        "_parts",
        "_planner",
        "_postings",
        "_situation_place",
    )

    def __init__(self, parts: _Parts) -> None:
        self._parts = parts
        self._postings = parts.postings
        self._lexicon = parts.lexicon
        docs = parts.docs
        self._live = len(docs) - docs.count(None)
        self._by_full_id: dict[str, int] | None = None
        self._situation_place = {sid: n for n, sid in enumerate(parts.situation_ids)}
        self._planner = Planner(
            parts.postings, parts.vocab, parts.lexicon, parts.profiles, self._live
        )
        self._cache: dict[frozenset[str], Highlighter] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"parts": replace(self._parts, pack_counts=None)}

    def __setstate__(self, state: dict[str, object]) -> None:
        parts = state["parts"]
        assert isinstance(parts, _Parts)
        self.__init__(parts)  # type: ignore[misc]

    @classmethod
    def build(
        cls,
        templates: Sequence[Template],
        situations: Mapping[str, Situation],
        lexicon: Lexicon | None = None,
    ) -> SearchIndex:
        """Index ``templates``; ``situations`` gives each situation's name and keywords.

        Without ``lexicon`` the bundled synonym lexicon is used. A template
        whose full id was seen before is left out (the first wins).
        """
        lexicon = lexicon if lexicon is not None else default_lexicon()
        docs: list[Template | None] = []
        entries: Columns = {}
        pack_docs: dict[str, list[int]] = {}
        pack_terms: dict[str, set[str]] = {}
        seen: set[str] = set()
        for template in templates:
            if template.full_id in seen:
                continue
            seen.add(template.full_id)
            number = len(docs)
            docs.append(template)
            weights = analyze_template(template, situations.get(template.situation), lexicon)
            pack_docs.setdefault(template.pack_id, []).append(number)
            pack_terms.setdefault(template.pack_id, set()).update(weights)
            add_to_columns(entries, number, weights)
        pack_counts = {
            pack: count_pack([doc for n in numbers if (doc := docs[n]) is not None], lexicon)
            for pack, numbers in pack_docs.items()
        }
        postings = postings_from(entries)
        groups = _situation_groups(docs)
        groups = _situation_groups(docs)
        parts = _Parts(
            docs=docs,
            postings=PostingStore(postings),
            pack_docs={pack: tuple(numbers) for pack, numbers in pack_docs.items()},
            pack_terms={pack: frozenset(found) for pack, found in pack_terms.items()},
            pack_counts=pack_counts,
            situations=dict(situations),
            forms=_spellings(postings, {}),
            profiles=Profiles.build(pack_counts.values(), situations, lexicon),
            lexicon=lexicon,
            vocab=sorted(t for t in postings if not t.startswith(CONCEPT_PREFIX)),
            situation_ids=groups[0],
            situation_of=groups[1],
        )
        return cls(parts)

    def replace_pack(
        self,
        pack_id: str,
        templates: Sequence[Template],
        situations: Mapping[str, Situation],
    ) -> SearchIndex:
        """A new index with the templates of pack ``pack_id`` replaced by ``templates``.

        Templates whose ``pack_id`` is another pack are ignored; an empty
        ``templates`` removes the pack. Only that pack is analyzed again (plus
        the templates of other packs whose situation's definition changed);
        the result ranks exactly like a full rebuild.
        """
        old = self._parts
        changed = {
            sid
            for sid in set(old.situations) | set(situations)
            if old.situations.get(sid) != situations.get(sid)
        }
        redo = {pack_id}
        for pack, members in old.pack_docs.items():
            if changed and any(
                (doc := old.docs[member]) is not None and doc.situation in changed
                for member in members
            ):
                redo.add(pack)
        docs = list(old.docs)
        postings = old.postings.to_dict()
        pack_docs = dict(old.pack_docs)
        pack_terms = dict(old.pack_terms)
        if old.pack_counts is None:
            pack_counts = {
                pack: count_pack([d for n in numbers if (d := docs[n]) is not None], self._lexicon)
                for pack, numbers in pack_docs.items()
            }
        else:
            pack_counts = dict(old.pack_counts)
        fresh: dict[str, list[Template]] = {}
        gone: set[int] = set()
        stale: set[str] = set()
        for pack in redo:
            members = pack_docs.pop(pack, ())
            pack_counts.pop(pack, None)
            fresh[pack] = [doc for n in members if (doc := docs[n]) is not None]
            gone.update(members)
            stale.update(pack_terms.pop(pack, frozenset()))
        for number in gone:
            docs[number] = None
        for found in stale:
            remaining = postings[found].without(gone)
            if remaining is None:
                del postings[found]
            else:
                postings[found] = remaining
        fresh[pack_id] = [t for t in templates if t.pack_id == pack_id]
        live = {doc.full_id for doc in docs if doc is not None}
        added: Columns = {}
        for pack in sorted(fresh):
            numbers: list[int] = []
            touched: set[str] = set()
            kept: list[Template] = []
            for template in fresh[pack]:
                if template.full_id in live:
                    continue
                live.add(template.full_id)
                number = len(docs)
                docs.append(template)
                numbers.append(number)
                kept.append(template)
                weights = analyze_template(
                    template, situations.get(template.situation), self._lexicon
                )
                touched.update(weights)
                add_to_columns(added, number, weights)
            if numbers:
                pack_docs[pack] = tuple(numbers)
                pack_terms[pack] = frozenset(touched)
                pack_counts[pack] = count_pack(kept, self._lexicon)
        for found, (new_ids, new_weights) in added.items():
            previous = postings.get(found)
            if previous is not None:
                before = previous.entries()
                new_ids = array("i", [n for n, _ in before]) + new_ids
                new_weights = array("f", [w for _, w in before]) + new_weights
            postings[found] = Posting.from_arrays(new_ids, new_weights)
        groups = _situation_groups(docs)
        parts = _Parts(
            docs=docs,
            postings=PostingStore(postings),
            pack_docs=pack_docs,
            pack_terms=pack_terms,
            pack_counts=pack_counts,
            situations=dict(situations),
            forms=_spellings(postings, old.forms),
            profiles=Profiles.build(pack_counts.values(), situations, self._lexicon),
            lexicon=self._lexicon,
            vocab=sorted(t for t in postings if not t.startswith(CONCEPT_PREFIX)),
            situation_ids=groups[0],
            situation_of=groups[1],
        )
        return SearchIndex(parts)

    def __len__(self) -> int:
        return self._live

    @property
    def templates(self) -> list[Template]:
        """The indexed templates, in index order."""
        return [doc for doc in self._parts.docs if doc is not None]

    @property
    def lexicon(self) -> Lexicon:
        """The synonym lexicon the index was built with."""
        return self._lexicon

    def posting(self, found: str) -> Posting | None:
        """The posting list of an index term, if any template has it."""
        return self._postings.get(found)

    def idf(self, found: str) -> float:
        """The rarity weight of an index term (0 when no template has it)."""
        return self._planner.idf(found)

    def plan(self, query: str) -> QueryPlan:
        """Turn a query into weighted index terms and situation lifts (see ``query.py``)."""
        return self._planner.plan(query, self._situation_place)

    def query_terms(self, plan: QueryPlan) -> list[QueryTerm]:
        """The plan's terms as tiers with factors."""
        postings = self._postings
        return [weighted(postings[found], factor) for found, factor in plan.terms]

    def query_lift(self, plan: QueryPlan) -> Lift | None:
        """The lift of the templates of the situations the query points at."""
        if not plan.situations:
            return None
        amounts = [0.0] * len(self._parts.situation_ids)
        for sid, amount in plan.situations:
            amounts[self._situation_place[sid]] = amount
        return Lift(self._parts.situation_of, amounts)

    # -- answering ----------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 10,
        channel: str | None = None,
        boosts: Mapping[str, float] | None = None,
    ) -> list[Hit]:
        """The best ``limit`` templates for ``query``, best first.

        Args:
            query: What the agent typed or pasted; any text is accepted.
            limit: How many hits at most.
            channel: The channel whose body variant the spans refer to.
            boosts: ``full_id`` to a lift in [0, 1] (frecency, favourites); a
                lift raises a score by at most ``BOOST_LIMIT`` of itself, so
                it reorders close matches but never buries a much better one.
        """
        if limit <= 0 or not self._live or not query or not query.strip():
            return []
        plan = self.plan(query)
        if not plan.terms:
            return []
        multipliers = self._multipliers(boosts)
        terms = self.query_terms(plan)
        lift = self.query_lift(plan)
        pool = limit * DIVERSITY_POOL
        found = top_k(terms, pool, multipliers, lift)
        ranked = self.diversify(self.rank(found, pool, multipliers, terms, lift), limit)
        highlighter = self._highlighter(plan.matched)
        hits: list[Hit] = []
        for number, score in ranked:
            doc = self._parts.docs[number]
            if doc is not None:
                hits.append(Hit(doc, score, self._spans(number, doc, channel, highlighter)))
        return hits

    def _highlighter(self, matched: frozenset[str]) -> Highlighter:
        made = self._cache.get(matched)
        if made is None:
            if len(self._cache) >= HIGHLIGHT_CACHE:
                self._cache.clear()
            made = self._cache[matched] = Highlighter.for_terms(
                matched, self._parts.forms, self._lexicon
            )
        return made

    def _multipliers(self, boosts: Mapping[str, float] | None) -> dict[int, float]:
        if not boosts:
            return {}
        out: dict[int, float] = {}
        for full_id, lift in boosts.items():
            if self._by_full_id is None:
                self._by_full_id = {
                    doc.full_id: n for n, doc in enumerate(self._parts.docs) if doc is not None
                }
            number = self._by_full_id.get(full_id)
            if number is not None and isinstance(lift, int | float) and lift > 0.0:
                out[number] = 1.0 + BOOST_LIMIT * min(float(lift), 1.0)
        return out

    def rank(
        self,
        scores: Mapping[int, float],
        limit: int,
        multipliers: Mapping[int, float],
        terms: Sequence[QueryTerm] | None = None,
        lift: Lift | None = None,
    ) -> list[tuple[int, float]]:
        """The best ``limit`` of ``scores`` after boosts; ties in full-id order.

        With ``terms``, the scores near the top are recomputed in the query's
        own term order first (see ``postings.exact_score``).
        """
        final = {n: s * multipliers.get(n, 1.0) for n, s in scores.items() if s > 0.0}
        if not final:
            return []
        threshold = heapq.nlargest(limit, final.values())[-1] * SLACK * SLACK
        near = [n for n, s in final.items() if s >= threshold]
        if terms is not None:
            exact = [(n, exact_score(terms, n, lift) * multipliers.get(n, 1.0)) for n in near]
        else:
            exact = [(n, final[n]) for n in near]
        docs = self._parts.docs
        exact.sort(key=lambda item: (-item[1], _full_id(docs[item[0]])))
        return exact[:limit]

    def diversify(self, ranked: Sequence[tuple[int, float]], limit: int) -> list[tuple[int, float]]:
        """Pick ``limit`` of ``ranked`` so that close matches of other situations show early.

        Greedy: each pick is the best score after multiplying it by
        ``DIVERSITY`` once per template of the same situation already picked
        (ties keep the order of ``ranked``). The score reported is that
        adjusted one, so the list stays sorted by score.
        """
        docs = self._parts.docs
        pool = list(ranked)
        picked: list[tuple[int, float]] = []
        shown: dict[str, int] = {}
        while pool and len(picked) < limit:
            best = 0
            best_score = -1.0
            for place, (number, score) in enumerate(pool):
                doc = docs[number]
                seen = shown.get(doc.situation, 0) if doc is not None else 0
                adjusted = score * DIVERSITY**seen
                if adjusted > best_score:
                    best, best_score = place, adjusted
            number, _ = pool.pop(best)
            doc = docs[number]
            if doc is not None:
                shown[doc.situation] = shown.get(doc.situation, 0) + 1
            picked.append((number, best_score))
        return picked

    def _spans(
        self, number: int, doc: Template, channel: str | None, highlighter: Highlighter
    ) -> tuple[Span, ...]:
        concepts = [
            concept
            for concept in highlighter.phrase_concepts
            if self._postings[concept].weight_of(number)
        ]
        return (
            *highlighter.spans("title", doc.title, concepts),
            *highlighter.spans("body", doc.body_for(channel), concepts),
        )


def _full_id(doc: Template | None) -> str:
    return doc.full_id if doc is not None else ""


__all__ = ["BOOST_LIMIT", "DIVERSITY", "Hit", "QueryPlan", "SearchIndex", "Span"]
