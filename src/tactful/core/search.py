"""The search index and its ranking.

The popup searches on every keystroke, so the library is indexed once per
change (``SearchIndex.build``, or ``replace_pack`` when one pack changed) and
a query only touches the posting lists of its own terms.

Ranking is BM25F: each field of a template (title, keywords, the situation's
name and keywords, tags, the bodies) counts with its own weight, term
frequency saturates, rare terms weigh more. A posting stores the part of the
score that belongs to the template alone; the rarity of the term (idf) is
applied at query time, so replacing one pack never re-weights the others.

Query words are matched exactly, by prefix for the word being typed, and with
one or two typos against the index vocabulary (rapidfuzz). Phrases of the
synonym lexicon add a concept term (see ``lexicon.py``). Favourites and
frequently used templates get a bounded lift. Match spans are computed for the
returned hits only.
"""

from __future__ import annotations

import bisect
import heapq
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TypeAlias

from rapidfuzz import process
from rapidfuzz.distance import OSA

from tactful.core import analyzer
from tactful.core.highlight import Highlighter, Span
from tactful.core.lexicon import CONCEPT_PREFIX, Lexicon, default_lexicon
from tactful.core.model import Situation, Template
from tactful.core.posting_store import PostingStore
from tactful.core.postings import SLACK, Lift, Posting, QueryTerm, exact_score, top_k, weighted
from tactful.core.profiles import PackCounts, Profiles, count_pack

FIELDS: tuple[str, ...] = ("title", "keywords", "situation", "tags", "body")
FIELD_WEIGHTS: tuple[float, ...] = (2.5, 2.5, 2.0, 1.5, 1.0)
"""How much one occurrence counts in each field, relative to the body."""
FIELD_PIVOTS: tuple[float, ...] = (6.0, 9.0, 8.0, 2.0, 80.0)
"""Typical length (terms) of each field; longer fields count each term a little less."""
FIELD_B: tuple[float, ...] = (0.5, 0.3, 0.3, 0.3, 0.75)
"""How strongly each field's length normalizes its term frequency (BM25 ``b``)."""
K1 = 1.2
"""BM25 term-frequency saturation."""

SITUATION_WEIGHT = 2.0
"""How much a situation's profile score (see ``profiles.py``) adds to each of its templates."""
SYNONYM_WEIGHT = 0.6
"""A concept term found through the lexicon counts this much of the words themselves."""
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
DIVERSITY = 0.8
"""Each template of a situation already listed scales the next one's score by this, so a
close match from another situation is not pushed off the first screen (1 turns it off)."""
DIVERSITY_POOL = 3
"""Diversity chooses among this many times ``limit`` best-scoring templates."""
BOOST_LIMIT = 0.2
"""Frecency and favourites lift a score by at most this fraction."""
CACHE_SIZE = 4096
"""Look-ups remembered per index (typos, completions, analyzed hits)."""


PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\|([^{}]*))?\}")
"""A placeholder as DESIGN.md section 3 defines it: ``{name}`` or ``{name|fallback}``."""


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


def without_placeholders(text: str) -> str:
    """``text`` with each ``{name|fallback}`` replaced by its fallback (``{name}`` by nothing).

    Placeholder names (``customer_name``, ``agent_name``) are not words of the
    reply and must not match a search for "customer" or "agent".
    """
    if "{" not in text:
        return text
    return PLACEHOLDER.sub(lambda match: f" {match.group(2) or ''} ", text)


def _field_items(template: Template, situation: Situation | None) -> tuple[tuple[str, ...], ...]:
    situation_items: tuple[str, ...] = ()
    if situation is not None:
        situation_items = (situation.name, *situation.keywords)
    bodies = (template.body, *(text for _, text in template.variants))
    return (
        (without_placeholders(template.title),),
        template.keywords,
        situation_items,
        template.tags,
        tuple(without_placeholders(body) for body in bodies),
    )


def analyze_template(
    template: Template, situation: Situation | None, lexicon: Lexicon
) -> dict[str, float]:
    """The template-local BM25F weight of each term (concepts included)."""
    tfw: dict[str, float] = {}
    for number, items in enumerate(_field_items(template, situation)):
        counts: Counter[str] = Counter()
        length = 0
        for item in items:
            item_terms = analyzer.terms(item)
            length += len(item_terms)
            counts.update(item_terms)
            counts.update(match.concept for match in lexicon.find(item_terms))
        if not counts:
            continue
        norm = FIELD_WEIGHTS[number] / (
            1.0 - FIELD_B[number] + FIELD_B[number] * length / FIELD_PIVOTS[number]
        )
        for found, count in counts.items():
            tfw[found] = tfw.get(found, 0.0) + count * norm
    return {found: value * (K1 + 1.0) / (value + K1) for found, value in tfw.items()}


Columns: TypeAlias = "dict[str, tuple[array[int], array[float]]]"
"""Term to the template numbers (ascending) and weights collected for it."""


def _postings_from(columns: Columns) -> dict[str, Posting]:
    """Turn columns into postings, emptying ``columns`` as it goes (to keep the peak low)."""
    postings: dict[str, Posting] = {}
    for found in sorted(columns):
        postings[found] = Posting.from_arrays(*columns.pop(found))
    return postings


def _add(columns: Columns, number: int, weights: Mapping[str, float]) -> None:
    for found, weight in weights.items():
        column = columns.get(found)
        if column is None:
            column = columns[found] = (array("i"), array("f"))
        column[0].append(number)
        column[1].append(weight)


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
        "_postings",
        "_profiles",
        "_situation_place",
        "_vocab",
        "_vocab_by_len",
    )

    def __init__(self, parts: _Parts) -> None:
        self._parts = parts
        self._postings = parts.postings
        self._lexicon = parts.lexicon
        self._profiles = parts.profiles
        docs = parts.docs
        self._live = len(docs) - docs.count(None)
        self._by_full_id: dict[str, int] | None = None
        self._vocab = parts.vocab
        self._vocab_by_len: dict[int, list[str]] | None = None
        self._situation_place = {sid: n for n, sid in enumerate(parts.situation_ids)}
        self._cache: dict[tuple[str, str], object] = {}

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
            _add(entries, number, weights)
        pack_counts = {
            pack: count_pack([doc for n in numbers if (doc := docs[n]) is not None], lexicon)
            for pack, numbers in pack_docs.items()
        }
        postings = _postings_from(entries)
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
                _add(added, number, weights)
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
        df = self._postings.df(found)
        if not df:
            return 0.0
        return math.log(1.0 + (self._live - df + 0.5) / (df + 0.5))

    # -- planning a query --------------------------------------------------

    def _cached(self, kind: str, key: str) -> object | None:
        return self._cache.get((kind, key))

    def _remember(self, kind: str, key: str, value: object) -> None:
        if len(self._cache) >= CACHE_SIZE:
            self._cache.clear()
        self._cache[(kind, key)] = value

    def _completions(self, prefix: str) -> list[str]:
        cached = self._cached("prefix", prefix)
        if isinstance(cached, list):
            return cached
        vocab = self._vocab
        start = bisect.bisect_left(vocab, prefix)
        end = bisect.bisect_left(vocab, prefix + "\U0010ffff")
        found = vocab[start:end]
        if len(found) > PREFIX_LIMIT:
            postings = self._postings
            found = heapq.nsmallest(PREFIX_LIMIT, found, key=lambda t: (-postings.df(t), t))
        self._remember("prefix", prefix, found)
        return found

    def _fuzzy(self, word: str) -> list[tuple[str, int]]:
        cached = self._cached("fuzzy", word)
        if isinstance(cached, list):
            return cached
        if self._vocab_by_len is None:
            by_len: dict[int, list[str]] = {}
            for known in self._vocab:
                by_len.setdefault(len(known), []).append(known)
            self._vocab_by_len = by_len
        found = _fuzzy_lookup(word, self._vocab_by_len)
        self._remember("fuzzy", word, found)
        return found

    def _expand(self, found: str, token: str, open_end: bool) -> dict[str, float]:
        """The index terms one query word stands for, with a similarity in (0, 1]."""
        expansions: dict[str, float] = {}
        known = found in self._postings
        if known:
            expansions[found] = 1.0
        if open_end and len(found) >= 2:
            # A word that is already known is less likely to be unfinished.
            scale = COMPLETE_WORD_PREFIX if known else 1.0
            folded = analyzer.fold(token)
            for prefix in sorted({folded, found}):
                for completion in self._completions(prefix):
                    sim = scale * min(0.6 + 0.4 * len(prefix) / len(completion), 1.0)
                    if sim > expansions.get(completion, 0.0):
                        expansions[completion] = sim
        if not known and len(found) >= 4 and found.isalpha():
            for candidate, distance in self._fuzzy(found):
                sim = TYPO_SIMILARITY[min(distance, 2) - 1]
                if sim > expansions.get(candidate, 0.0):
                    expansions[candidate] = sim
        return expansions

    def plan(self, query: str) -> QueryPlan:
        """Turn a query into weighted index terms (see the module docstring)."""
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
            expansions = self._expand(found, token, last)
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
                    sim = min(word_sims[match.start : match.end]) * SYNONYM_WEIGHT
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
        scored = {
            sid: value
            for sid, value in self._profiles.score(asked).items()
            if sid in self._situation_place
        }
        # What every situation gets lifts every matching template alike and changes no
        # order; leaving it out keeps the bounds of postings.top_k tight.
        everywhere = scored and len(scored) == len(self._situation_place)
        floor = min(scored.values()) if everywhere else 0.0
        situations = tuple(
            (sid, SITUATION_WEIGHT * (value - floor))
            for sid, value in sorted(scored.items())
            if value > floor
        )
        return QueryPlan(terms, situations, frozenset(found for found, _ in terms))

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
        key = " ".join(sorted(matched))
        cached = self._cached("highlight", key)
        if isinstance(cached, Highlighter):
            return cached
        made = Highlighter.for_terms(matched, self._parts.forms, self._lexicon)
        self._remember("highlight", key, made)
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


def _fuzzy_lookup(word: str, by_len: Mapping[int, list[str]]) -> list[tuple[str, int]]:
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


__all__ = ["Hit", "QueryPlan", "SearchIndex", "Span", "analyze_template"]
