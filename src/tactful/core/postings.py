"""Posting lists and the exact top-k retrieval over them (MaxScore over impact tiers).

A term's posting list holds the templates that contain it, each with the
template-local part of its score (its *weight*). The list is cut into
*tiers* by weight: the 32 heaviest entries, the next 224, the next 1,792,
then the rest. Each tier keeps its template numbers sorted and its largest
weight, which bounds what that tier can add to any template's score.

``top_k`` adds the tiers of a query's terms in order of their bound. As soon
as the tiers left could not lift a template that has not been seen yet into
the top ``k``, it stops collecting new templates and only completes the
candidates that can still make it, looking each one up by binary search, and
drops those that can no longer make it. Only lists that matter are scanned:
a typed query over 100,000 templates reads a few hundred entries instead of
tens of thousands.

The returned scores are then recomputed for the few templates at the top in
the query's own term order (``exact_score``), so that a result never depends on
the order the tiers were visited in: an index updated pack by pack and one
built at once give bit-identical scores.
"""

from __future__ import annotations

import heapq
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

TIER_ENDS: tuple[int, ...] = (32, 256, 2048)
"""Rank (by weight) at which each tier but the last ends."""
SLACK = 1.0 - 1e-9
"""Bounds are compared with this much room, so rounding never drops a tied template."""


@dataclass(frozen=True, slots=True)
class Tier:
    """Template numbers (ascending), their weights, and the largest weight."""

    ids: array[int]
    weights: array[float]
    top: float


@dataclass(frozen=True, slots=True)
class Posting:
    """The templates that contain one term, heaviest tier first."""

    tiers: tuple[Tier, ...]
    df: int

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[int, float]]) -> Posting:
        """Build from ``(template number, weight)`` pairs with distinct numbers."""
        ordered = sorted(entries)
        return cls.from_arrays(
            array("i", (number for number, _ in ordered)),
            array("f", (weight for _, weight in ordered)),
        )

    @classmethod
    def from_arrays(cls, ids: array[int], weights: array[float]) -> Posting:
        """Build from template numbers in ascending order and their weights."""
        # Heaviest first; sorted() is stable, so equal weights stay in number order.
        ranked = sorted(range(len(ids)), key=weights.__getitem__, reverse=True)
        tiers: list[Tier] = []
        start = 0
        for end in (*TIER_ENDS, len(ranked)):
            if start >= len(ranked):
                break
            chunk = sorted(ranked[start:end])
            tier_ids = array("i", [ids[n] for n in chunk])
            tier_weights = array("f", [weights[n] for n in chunk])
            tiers.append(Tier(tier_ids, tier_weights, max(tier_weights)))
            start = end
        return cls(tuple(tiers), len(ids))

    def entries(self) -> list[tuple[int, float]]:
        """Every ``(template number, weight)``, in ascending number order."""
        merged = [
            (number, weight)
            for tier in self.tiers
            for number, weight in zip(tier.ids, tier.weights, strict=True)
        ]
        merged.sort()
        return merged

    def without(self, gone: set[int]) -> Posting | None:
        """This posting minus the templates in ``gone`` (None when nothing is left)."""
        kept = [entry for entry in self.entries() if entry[0] not in gone]
        return Posting.from_entries(kept) if kept else None

    def weight_of(self, number: int) -> float:
        """The weight of template ``number`` (0 when it does not contain the term)."""
        for tier in self.tiers:
            ids = tier.ids
            spot = bisect_left(ids, number)
            if spot < len(ids) and ids[spot] == number:
                return tier.weights[spot]
        return 0.0


@dataclass(frozen=True, slots=True)
class Lift:
    """An amount added to the score of every template that matched at least one term.

    Search lifts the templates of the situations a query points at (see
    ``profiles.py``): ``amounts[group[n]]`` for template ``n``. A template that
    matched no term stays out, whatever its situation.

    Attributes:
        group: Each template's group (its situation), by template number.
        amounts: The lift of each group (>= 0).
    """

    group: array[int]
    amounts: Sequence[float]

    @property
    def top(self) -> float:
        """The largest lift."""
        return max(self.amounts, default=0.0)

    def __call__(self, number: int) -> float:
        """The lift of template ``number``."""
        return self.amounts[self.group[number]]


@dataclass(frozen=True, slots=True)
class _List:
    bound: float
    factor: float
    ids: array[int]
    weights: array[float]
    term: int
    after: float
    """The bound of the same term's next tier (0 for its last)."""


QueryTerm = Sequence[tuple[Tier, float]]
"""One term of a query: tiers with the factor each is multiplied by. A template
is in at most one tier of a term."""


def weighted(posting: Posting, factor: float) -> list[tuple[Tier, float]]:
    """The tiers of ``posting``, each with ``factor``."""
    return [(tier, factor) for tier in posting.tiers]


def _lists(terms: Sequence[QueryTerm]) -> tuple[list[_List], list[float]]:
    """Every tier of the query's terms, largest bound first (ties in plan order).

    Returns:
        The tiers, and before each tier (and after the last) the most that a
        template not met in the tiers already visited can still score. A
        template sits in one tier per term, and a term's tiers are visited
        heaviest first, so that is the sum over terms of their next tier's bound.
    """
    lists: list[tuple[float, int, int, _List]] = []
    for number, tiers in enumerate(terms):
        ordered_tiers = sorted(
            (
                (factor * tier.top, level, tier, factor)
                for level, (tier, factor) in enumerate(tiers)
                if factor > 0.0 and len(tier.ids)
            ),
            key=lambda item: (-item[0], item[1]),
        )
        for place, (bound, level, tier, factor) in enumerate(ordered_tiers):
            after = ordered_tiers[place + 1][0] if place + 1 < len(ordered_tiers) else 0.0
            entry = _List(bound, factor, tier.ids, tier.weights, number, after)
            lists.append((-bound, number, level, entry))
    lists.sort(key=lambda item: item[:3])
    ordered = [entry for *_, entry in lists]
    upcoming: dict[int, float] = {}
    for entry in reversed(ordered):
        upcoming[entry.term] = entry.bound
    remaining = [sum(upcoming.values())]
    for entry in ordered:
        upcoming[entry.term] = entry.after
        remaining.append(sum(upcoming.values()))
    return ordered, remaining


def _kth(values: Iterable[float], k: int) -> float:
    best = heapq.nlargest(k, values)
    return best[-1] if len(best) >= k else 0.0


def _survivors(
    scores: Mapping[int, float], rest: float, theta: float, mult: Mapping[int, float]
) -> dict[int, float]:
    """The templates whose score plus ``rest`` (times their lift) can still reach ``theta``."""
    cut = theta * SLACK
    plain = cut - rest
    kept = {number: score for number, score in scores.items() if score >= plain}
    for number, factor in mult.items():
        score = scores.get(number)
        if score is not None and number not in kept and (score + rest) * factor >= cut:
            kept[number] = score
    return kept


def top_k(
    terms: Sequence[QueryTerm],
    k: int,
    multipliers: Mapping[int, float] | None = None,
    lift: Lift | None = None,
) -> dict[int, float]:
    """Approximate scores of a superset of the top ``k`` of ``sum(factor * weight)``.

    Args:
        terms: Each query term's tiers with their factors (see ``weighted``).
        k: How many results are wanted.
        multipliers: Template number to a factor >= 1 applied to its final
            score (frecency); the bounds take it into account.
        lift: Added to the score of each template that matched a term.

    Returns:
        Template number to score (lifted, unmultiplied) for every template
        that can be in the top ``k``; the scores are exact up to the rounding
        of the order of addition (see ``exact_score``).
    """
    lists, suffix = _lists(terms)
    if not lists or k <= 0:
        return {}
    mult = multipliers or {}
    top_mult = max(1.0, *mult.values()) if mult else 1.0
    top_lift = lift.top if lift is not None else 0.0
    scores: dict[int, float] = {}
    get = scores.get
    theta = 0.0
    seen_bound = 0.0
    started: set[int] = set()
    checked = float("inf")
    position = 0
    # Collect: add whole tiers while an unseen template could still reach the top k.
    while position < len(lists):
        reach = (suffix[position] + top_lift) * top_mult
        # No template scores more than the first bounds of the terms begun; check only when
        # stopping is possible and the bound has fallen noticeably since the last check.
        if reach < seen_bound and reach < checked * 0.9 and len(scores) >= k:
            checked = reach
            theta = _kth(scores.values(), k)
            if reach < theta * SLACK:
                break
        current = lists[position]
        factor = current.factor
        if len(current.ids) > 4 * len(scores):
            # Mostly new templates: build the sums in C, then fold the few old ones in
            # (a + b == b + a exactly in floating point, so the result is the same).
            merged = dict(zip(current.ids, map(factor.__mul__, current.weights), strict=True))
            for number, score in scores.items():
                merged[number] = score + merged.get(number, 0.0)
            scores = merged
            get = scores.get
        else:
            for number, weight in zip(current.ids, current.weights, strict=True):
                scores[number] = get(number, 0.0) + factor * weight
        if current.term not in started:
            started.add(current.term)
            seen_bound += current.bound
        position += 1
    if position == len(lists) and top_lift == 0.0:
        return scores
    if position == len(lists) and len(scores) >= k:
        theta = max(theta, _kth(scores.values(), k))
    # Complete: only the candidates that can still make it, dropping the others.
    rest = suffix[position] + top_lift
    candidates = _survivors(scores, rest, theta, mult)
    pruned_at = rest
    for index in range(position, len(lists)):
        current = lists[index]
        factor = current.factor
        ids = current.ids
        weights = current.weights
        size = len(ids)
        if len(candidates) * 16 < size:
            for number in candidates:
                spot = bisect_left(ids, number)
                if spot < size and ids[spot] == number:
                    candidates[number] += factor * weights[spot]
        else:
            for number, weight in zip(ids, weights, strict=True):
                if number in candidates:
                    candidates[number] += factor * weight
        rest = suffix[index + 1] + top_lift
        if len(candidates) > k and (rest < pruned_at * 0.7 or rest == top_lift):
            theta = max(theta, _kth(candidates.values(), k))
            candidates = _survivors(candidates, rest, theta, mult)
            pruned_at = rest
    if lift is not None:
        for number in candidates:
            candidates[number] += lift(number)
        if len(candidates) > 4 * k:
            # Lifted scores are final but for boosts: keep what can still be in the top k.
            cut = _kth(candidates.values(), k) * SLACK
            candidates = {
                number: score
                for number, score in candidates.items()
                if score * mult.get(number, 1.0) >= cut
            }
    return candidates


def exact_score(terms: Sequence[QueryTerm], number: int, lift: Lift | None = None) -> float:
    """The score of template ``number``, added up in the order of ``terms``, then lifted."""
    total = 0.0
    for tiers in terms:
        for tier, factor in tiers:
            ids = tier.ids
            spot = bisect_left(ids, number)
            if spot < len(ids) and ids[spot] == number:
                weight = tier.weights[spot]
                if weight and factor > 0.0:
                    total += factor * weight
                break
    if total > 0.0 and lift is not None:
        total += lift(number)
    return total


def brute_force(
    terms: Sequence[QueryTerm], count: int, lift: Lift | None = None
) -> dict[int, float]:
    """``exact_score`` of templates ``0..count-1`` that match at all (the reference ranking)."""
    scores = {number: exact_score(terms, number, lift) for number in range(count)}
    return {number: score for number, score in scores.items() if score > 0.0}
