"""Situation profiles: which words say "this is a refund request" across a whole library.

A template's own words are few; the situation it serves is described by all
of its siblings together. A situation's profile counts, for each term, how
many of its templates use it in their title, keywords or tags, plus the
situation's own name and keywords (as if every template had them). A query is
scored against every profile (``score``): a term counts by the share of the
situation's templates that use it and by how few situations use it at all.
Search adds that score, scaled, to every template of the situation, so the
right situation rises even when the best template's own words differ from
the customer's.

Counts are kept per pack, so replacing one pack updates them exactly.
"""

from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from tactful.core import analyzer
from tactful.core.lexicon import Lexicon
from tactful.core.model import Situation, Template

OWN_SHARE = 0.3
"""The share a situation's own name and keywords count for (as if 30% of its templates
used them): names hold generic words ("customer", "request") that must not dominate."""

PackCounts = dict[str, tuple[int, Counter[str]]]
"""Situation id to (number of templates, templates per term) for one pack."""


def _terms_with_concepts(texts: Iterable[str], lexicon: Lexicon) -> set[str]:
    found: set[str] = set()
    for text in texts:
        words = analyzer.terms(text)
        found.update(words)
        found.update(match.concept for match in lexicon.find(words))
    return found


def template_terms(template: Template, lexicon: Lexicon) -> set[str]:
    """The terms a template adds to its situation's profile (title, keywords, tags)."""
    return _terms_with_concepts((template.title, *template.keywords, *template.tags), lexicon)


def count_pack(templates: Iterable[Template], lexicon: Lexicon) -> PackCounts:
    """The profile counts of one pack's templates."""
    counts: PackCounts = {}
    for template in templates:
        number, terms = counts.get(template.situation, (0, Counter()))
        terms.update(template_terms(template, lexicon))
        counts[template.situation] = (number + 1, terms)
    return counts


@dataclass(frozen=True, slots=True)
class Profiles:
    """Every situation's profile, ready to score a query.

    Stored flat so that it pickles fast: the entries of term ``t`` are
    ``which[a:b]`` (indexes into ``situations``) and ``shares[a:b]`` for
    ``(a, b) = spans[t]``.

    Attributes:
        situations: The situation ids.
        spans: Term to the range of its entries.
        which: Each entry's situation (index into ``situations``).
        shares: Each entry's share of the situation's templates that use the
            term (1 for the situation's own name and keywords).
        idf: Term to its rarity across situations.
    """

    situations: tuple[str, ...]
    spans: dict[str, tuple[int, int]]
    which: array[int]
    shares: array[float]
    idf: dict[str, float]

    @classmethod
    def build(
        cls,
        per_pack: Iterable[PackCounts],
        situations: Mapping[str, Situation],
        lexicon: Lexicon,
    ) -> Profiles:
        """Merge the packs' counts and add each used situation's name and keywords."""
        sizes: Counter[str] = Counter()
        merged: dict[str, Counter[str]] = {}
        for counts in per_pack:
            for sid, (number, terms) in counts.items():
                sizes[sid] += number
                merged.setdefault(sid, Counter()).update(terms)
        order = tuple(sorted(merged))
        entries: dict[str, list[tuple[int, float]]] = {}
        for place, sid in enumerate(order):
            size = sizes[sid]
            share = {found: count / size for found, count in merged[sid].items()}
            situation = situations.get(sid)
            if situation is not None:
                own = _terms_with_concepts((situation.name, *situation.keywords), lexicon)
                for found in own:
                    share[found] = max(share.get(found, 0.0), OWN_SHARE)
            for found, value in share.items():
                entries.setdefault(found, []).append((place, value))
        spans: dict[str, tuple[int, int]] = {}
        which: array[int] = array("H")
        shares: array[float] = array("d")
        total = len(order)
        idf: dict[str, float] = {}
        for found in sorted(entries):
            items = entries[found]
            spans[found] = (len(which), len(which) + len(items))
            which.extend(place for place, _ in items)
            shares.extend(value for _, value in items)
            idf[found] = math.log(1.0 + (total - len(items) + 0.5) / (len(items) + 0.5))
        return cls(order, spans, which, shares, idf)

    def score(self, weights: Mapping[str, float]) -> dict[str, float]:
        """Each situation's score for query terms with the given weights (only those > 0)."""
        totals = [0.0] * len(self.situations)
        which = self.which
        shares = self.shares
        for found, weight in weights.items():
            span = self.spans.get(found)
            if span is None:
                continue
            rarity = weight * self.idf[found]
            for entry in range(*span):
                totals[which[entry]] += rarity * shares[entry]
        return {sid: total for sid, total in zip(self.situations, totals, strict=True) if total > 0}
