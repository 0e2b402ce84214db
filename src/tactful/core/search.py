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
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import process
from rapidfuzz.distance import OSA

from tactful.core import analyzer
from tactful.core.lexicon import CONCEPT_PREFIX, Lexicon
from tactful.core.model import Situation, Template

FIELDS: tuple[str, ...] = ("title", "keywords", "situation", "tags", "body")
FIELD_WEIGHTS: tuple[float, ...] = (2.5, 2.5, 2.0, 1.5, 1.0)
"""How much one occurrence counts in each field, relative to the body."""
FIELD_PIVOTS: tuple[float, ...] = (6.0, 9.0, 8.0, 2.0, 80.0)
"""Typical length (terms) of each field; longer fields count each term a little less."""
FIELD_B: tuple[float, ...] = (0.5, 0.3, 0.3, 0.3, 0.75)
"""How strongly each field's length normalizes its term frequency (BM25 ``b``)."""
K1 = 1.2
"""BM25 term-frequency saturation."""

SYNONYM_WEIGHT = 0.6
"""A concept term found through the lexicon counts this much of the words themselves."""
PREFIX_LIMIT = 8
"""At most this many completions of the word being typed."""
FUZZY_LIMIT = 4
"""At most this many vocabulary terms for one misspelt word."""
MAX_QUERY_CHARS = 6_000
"""Longer queries are cut here: a pasted message is read up to this length."""
MAX_QUERY_TOKENS = 800
MAX_QUERY_GROUPS = 40
"""A long query keeps its most informative terms, at most this many."""
TYPED_QUERY_TOKENS = 8
"""Queries of at most this many words are "typed": the last word counts as a prefix."""
BOOST_LIMIT = 0.2
"""Frecency and favourites lift a score by at most this fraction."""
FUZZY_CACHE_SIZE = 4096
"""Typo look-ups remembered per index (keystrokes repeat the same words)."""


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
class _Group:
    """One query word (or concept): its weight and the index terms it matches."""

    weight: float
    expansions: tuple[tuple[str, float], ...]


def _field_texts(template: Template, situation: Situation | None) -> tuple[str, ...]:
    bodies = [template.body, *(text for _, text in template.variants)]
    situation_text = ""
    if situation is not None:
        situation_text = "\n".join((situation.name, *situation.keywords))
    return (
        template.title,
        "\n".join(template.keywords),
        situation_text,
        "\n".join(template.tags),
        "\n".join(bodies),
    )


def analyze_template(
    template: Template, situation: Situation | None, lexicon: Lexicon
) -> dict[str, float]:
    """The template-local BM25F weight of each of its terms (concepts included)."""
    tfw: dict[str, float] = {}
    for number, text in enumerate(_field_texts(template, situation)):
        if not text:
            continue
        field_terms = analyzer.terms(text)
        if not field_terms:
            continue
        norm = FIELD_WEIGHTS[number] / (
            1.0 - FIELD_B[number] + FIELD_B[number] * len(field_terms) / FIELD_PIVOTS[number]
        )
        counts = Counter(field_terms)
        counts.update(match.concept for match in lexicon.find(field_terms))
        for found, count in counts.items():
            tfw[found] = tfw.get(found, 0.0) + count * norm
    return {found: value * (K1 + 1.0) / (value + K1) for found, value in tfw.items()}


class SearchIndex:
    """An inverted index over the templates of a library.

    Immutable once built: ``replace_pack`` returns a new index and shares the
    posting lists that did not change.
    """

    __slots__ = (
        "_by_full_id",
        "_docs",
        "_fuzzy_cache",
        "_lexicon",
        "_live",
        "_pack_docs",
        "_pack_terms",
        "_postings",
        "_situations",
        "_vocab",
        "_vocab_by_len",
    )

    def __init__(
        self,
        docs: list[Template | None],
        postings: dict[str, tuple[array[int], array[float]]],
        pack_docs: dict[str, tuple[int, ...]],
        pack_terms: dict[str, frozenset[str]],
        situations: Mapping[str, Situation],
        lexicon: Lexicon,
    ) -> None:
        self._docs = docs
        self._postings = postings
        self._pack_docs = pack_docs
        self._pack_terms = pack_terms
        self._situations = dict(situations)
        self._lexicon = lexicon
        self._live = sum(1 for doc in docs if doc is not None)
        self._by_full_id = {doc.full_id: n for n, doc in enumerate(docs) if doc is not None}
        words = sorted(t for t in postings if not t.startswith(CONCEPT_PREFIX))
        self._vocab = words
        by_len: dict[int, list[str]] = {}
        for word in words:
            by_len.setdefault(len(word), []).append(word)
        self._vocab_by_len = by_len
        self._fuzzy_cache: dict[str, list[tuple[str, int]]] = {}

    @classmethod
    def build(
        cls,
        templates: Sequence[Template],
        situations: Mapping[str, Situation],
        lexicon: Lexicon | None = None,
    ) -> SearchIndex:
        """Index ``templates``; ``situations`` gives each situation's name and keywords."""
        lexicon = lexicon if lexicon is not None else Lexicon.empty()
        docs: list[Template | None] = []
        postings: dict[str, tuple[array[int], array[float]]] = {}
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
            for found, weight in weights.items():
                entry = postings.get(found)
                if entry is None:
                    entry = postings[found] = (array("i"), array("f"))
                entry[0].append(number)
                entry[1].append(weight)
        return cls(
            docs,
            postings,
            {pack: tuple(numbers) for pack, numbers in pack_docs.items()},
            {pack: frozenset(found) for pack, found in pack_terms.items()},
            situations,
            lexicon,
        )

    def replace_pack(
        self,
        pack_id: str,
        templates: Sequence[Template],
        situations: Mapping[str, Situation],
    ) -> SearchIndex:
        """A new index with the templates of ``pack_id`` replaced by ``templates``.

        Only that pack is analyzed again (plus templates of other packs whose
        situation's definition changed); the result ranks exactly like a full
        rebuild.
        """
        changed = {
            sid
            for sid in set(self._situations) | set(situations)
            if self._situations.get(sid) != situations.get(sid)
        }
        redo = {pack_id}
        if changed:
            for pack, members in self._pack_docs.items():
                for member in members:
                    doc = self._docs[member]
                    if doc is not None and doc.situation in changed:
                        redo.add(pack)
                        break
        kept_docs = list(self._docs)
        postings = dict(self._postings)
        pack_docs = dict(self._pack_docs)
        pack_terms = dict(self._pack_terms)
        fresh: dict[str, list[Template]] = {pack: [] for pack in redo}
        for pack in redo:
            gone = set(pack_docs.pop(pack, ()))
            for number in gone:
                doc = kept_docs[number]
                if doc is not None and pack != pack_id:
                    fresh[pack].append(doc)
                kept_docs[number] = None
            for found in pack_terms.pop(pack, frozenset()):
                old_ids, old_weights = postings[found]
                keep = [n for n, doc_id in enumerate(old_ids) if doc_id not in gone]
                if not keep:
                    del postings[found]
                elif len(keep) != len(old_ids):
                    postings[found] = (
                        array("i", (old_ids[n] for n in keep)),
                        array("f", (old_weights[n] for n in keep)),
                    )
        fresh[pack_id] = [t for t in templates if t.pack_id == pack_id]
        live_ids = {doc.full_id for doc in kept_docs if doc is not None}
        for pack in sorted(fresh):
            added: list[int] = []
            touched: set[str] = set()
            for template in fresh[pack]:
                if template.full_id in live_ids:
                    continue
                live_ids.add(template.full_id)
                number = len(kept_docs)
                kept_docs.append(template)
                added.append(number)
                weights = analyze_template(
                    template, situations.get(template.situation), self._lexicon
                )
                touched.update(weights)
                for found, weight in weights.items():
                    entry = postings.get(found)
                    if entry is None:
                        postings[found] = (array("i", [number]), array("f", [weight]))
                    else:
                        if entry is self._postings.get(found):
                            entry = postings[found] = (array("i", entry[0]), array("f", entry[1]))
                        entry[0].append(number)
                        entry[1].append(weight)
            if added:
                pack_docs[pack] = tuple(added)
                pack_terms[pack] = frozenset(touched)
        return SearchIndex(kept_docs, postings, pack_docs, pack_terms, situations, self._lexicon)

    def __len__(self) -> int:
        return self._live

    @property
    def templates(self) -> list[Template]:
        """The indexed templates."""
        return [doc for doc in self._docs if doc is not None]

    # -- query -------------------------------------------------------------

    def idf(self, found: str) -> float:
        """The rarity weight of an index term (0 when no template has it)."""
        entry = self._postings.get(found)
        if entry is None:
            return 0.0
        df = len(entry[0])
        return math.log(1.0 + (self._live - df + 0.5) / (df + 0.5))

    def _completions(self, prefix: str) -> list[str]:
        vocab = self._vocab
        start = bisect.bisect_left(vocab, prefix)
        end = bisect.bisect_left(vocab, prefix + "\U0010ffff")
        found = vocab[start:end]
        if len(found) > PREFIX_LIMIT:
            found = sorted(found, key=lambda t: (-len(self._postings[t][0]), t))[:PREFIX_LIMIT]
        return found

    def _fuzzy(self, word: str) -> list[tuple[str, int]]:
        cache = self._fuzzy_cache
        found = cache.get(word)
        if found is None:
            found = _fuzzy_lookup(word, self._vocab_by_len)
            if len(cache) >= FUZZY_CACHE_SIZE:
                cache.clear()
            cache[word] = found
        return found

    def plan(self, query: str) -> list[_Group]:
        """The query's words, each with the index terms it matches and a weight."""
        text = query[:MAX_QUERY_CHARS]
        raw = list(analyzer.raw_tokens(text))[:MAX_QUERY_TOKENS]
        typed = len(raw) <= TYPED_QUERY_TOKENS
        last_open = typed and bool(raw) and raw[-1][2] == len(text)
        written: list[str] = []
        sequence: list[str] = []
        sims: list[float] = []
        groups: dict[str, tuple[float, dict[str, float]]] = {}
        for position, (token, _start, _end) in enumerate(raw):
            found = analyzer.term(token)
            if found is None:
                continue
            written.append(found)
            expansions: dict[str, float] = {}
            if found in self._postings:
                expansions[found] = 1.0
            if last_open and position == len(raw) - 1 and len(found) >= 2:
                folded = analyzer.fold(token)
                for prefix in {folded, found}:
                    for completion in self._completions(prefix):
                        sim = 0.6 + 0.4 * len(prefix) / len(completion)
                        if sim > expansions.get(completion, 0.0):
                            expansions[completion] = min(sim, 1.0)
            if found not in self._postings and len(found) >= 4 and found.isalpha():
                for candidate, distance in self._fuzzy(found):
                    sim = 0.75 if distance == 1 else 0.5
                    if sim > expansions.get(candidate, 0.0):
                        expansions[candidate] = sim
            if not expansions:
                sequence.append(found)
                sims.append(1.0)
                continue
            best = max(expansions.items(), key=lambda item: (item[1], -len(item[0]), item[0]))
            sequence.append(best[0])
            sims.append(best[1])
            count, _ = groups.get(found, (0.0, expansions))
            groups[found] = (count + 1.0, expansions)
        concepts: dict[str, float] = {}
        for words, word_sims in ((written, [1.0] * len(written)), (sequence, sims)):
            for match in self._lexicon.find(words):
                if match.concept not in self._postings:
                    continue
                sim = min(word_sims[match.start : match.end]) * SYNONYM_WEIGHT
                if sim > concepts.get(match.concept, 0.0):
                    concepts[match.concept] = sim
        planned = [
            _Group(1.0 + math.log(count), tuple(sorted(expansions.items())))
            for count, expansions in groups.values()
        ]
        planned.extend(_Group(1.0, ((concept, sim),)) for concept, sim in sorted(concepts.items()))
        if len(planned) > MAX_QUERY_GROUPS:
            planned.sort(key=lambda g: -g.weight * max(self.idf(t) * s for t, s in g.expansions))
            planned = planned[:MAX_QUERY_GROUPS]
        return planned

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
                lift raises a score by at most ``BOOST_LIMIT`` of itself.
        """
        if limit <= 0 or not self._live or not query:
            return []
        groups = self.plan(query)
        if not groups:
            return []
        scores = self._accumulate(groups)
        if boosts:
            for full_id, lift in boosts.items():
                number = self._by_full_id.get(full_id)
                if number is not None and number in scores:
                    scores[number] *= 1.0 + BOOST_LIMIT * min(max(lift, 0.0), 1.0)
        ranked = self._top(scores, limit)
        matched = {t for group in groups for t, _ in group.expansions}
        hits: list[Hit] = []
        for number, score in ranked:
            doc = self._docs[number]
            assert doc is not None
            hits.append(Hit(doc, score, self._spans(doc, channel, matched)))
        return hits

    def _accumulate(self, groups: Sequence[_Group]) -> dict[int, float]:
        scores: dict[int, float] = {}
        get = scores.get
        for group in groups:
            if len(group.expansions) == 1:
                found, sim = group.expansions[0]
                factor = group.weight * sim * self.idf(found)
                ids, weights = self._postings[found]
                for number, weight in zip(ids, weights, strict=True):
                    scores[number] = get(number, 0.0) + factor * weight
                continue
            best: dict[int, float] = {}
            best_get = best.get
            for found, sim in group.expansions:
                factor = group.weight * sim * self.idf(found)
                ids, weights = self._postings[found]
                for number, weight in zip(ids, weights, strict=True):
                    value = factor * weight
                    if value > best_get(number, 0.0):
                        best[number] = value
            for number, value in best.items():
                scores[number] = get(number, 0.0) + value
        return scores

    def _top(self, scores: Mapping[int, float], limit: int) -> list[tuple[int, float]]:
        if not scores:
            return []
        largest = heapq.nlargest(limit, scores.values())
        threshold = largest[-1]
        docs = self._docs
        tied = [(number, score) for number, score in scores.items() if score >= threshold]
        tied.sort(key=lambda item: (-item[1], _full_id(docs[item[0]])))
        return tied[:limit]

    def _spans(self, doc: Template, channel: str | None, matched: set[str]) -> tuple[Span, ...]:
        spans: list[Span] = []
        for name, text in (("title", doc.title), ("body", doc.body_for(channel))):
            tokens = list(analyzer.tokens_with_offsets(text))
            marked = [False] * len(tokens)
            for n, (found, _start, _end) in enumerate(tokens):
                if found in matched:
                    marked[n] = True
            for match in self._lexicon.find([found for found, _, _ in tokens]):
                if match.concept in matched:
                    for n in range(match.start, match.end):
                        marked[n] = True
            spans.extend(
                Span(name, start, end)
                for (_found, start, end), flag in zip(tokens, marked, strict=True)
                if flag
            )
        return tuple(spans)


def _full_id(doc: Template | None) -> str:
    return doc.full_id if doc is not None else ""


def _fuzzy_lookup(word: str, by_len: Mapping[int, list[str]]) -> list[tuple[str, int]]:
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


def search_templates(
    templates: Iterable[Template],
    situations: Mapping[str, Situation],
    query: str,
    limit: int = 10,
    lexicon: Lexicon | None = None,
) -> list[Hit]:
    """Build a throw-away index and search it once (for scripts and tests)."""
    return SearchIndex.build(list(templates), situations, lexicon).search(query, limit)


__all__ = ["Hit", "SearchIndex", "Span", "analyze_template", "search_templates"]
