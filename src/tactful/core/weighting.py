"""How a template becomes weighted index terms (BM25F), and how they are collected.

Each field of a template counts with its own weight: the title, the keywords,
the name and keywords of its situation, the tags and the bodies (the default
body and every channel variant). Within a field, a term's frequency is
normalized by the field's length against a typical length, summed over the
fields with their weights, then saturated (BM25's ``k1``). That weight belongs
to the template alone: how rare a term is across the library (idf) is applied
at query time, so replacing one pack never re-weights the others.

Synonym concepts (``lexicon.py``) found in a field count like words of it.
Placeholder names (``{customer_name}``) are not words of the reply.
"""

from __future__ import annotations

import re
from array import array
from collections import Counter
from collections.abc import Mapping
from typing import TypeAlias

from tactful.core import analyzer
from tactful.core.lexicon import Lexicon
from tactful.core.model import Situation, Template
from tactful.core.postings import Posting

FIELDS: tuple[str, ...] = ("title", "keywords", "situation", "tags", "body")
FIELD_WEIGHTS: tuple[float, ...] = (2.5, 2.5, 2.0, 1.5, 1.0)
"""How much one occurrence counts in each field, relative to the body."""
FIELD_PIVOTS: tuple[float, ...] = (6.0, 9.0, 8.0, 2.0, 80.0)
"""Typical length (terms) of each field; longer fields count each term a little less."""
FIELD_B: tuple[float, ...] = (0.5, 0.3, 0.3, 0.3, 0.75)
"""How strongly each field's length normalizes its term frequency (BM25 ``b``)."""
K1 = 1.2
"""BM25 term-frequency saturation."""

PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)(?:\|([^{}]*))?\}")
"""A placeholder as DESIGN.md section 3 defines it: ``{name}`` or ``{name|fallback}``."""

Columns: TypeAlias = "dict[str, tuple[array[int], array[float]]]"
"""Term to the template numbers (ascending) and weights collected for it."""


def without_placeholders(text: str) -> str:
    """``text`` with each ``{name|fallback}`` replaced by its fallback (``{name}`` by nothing).

    Placeholder names (``customer_name``, ``agent_name``) are not words of the
    reply and must not match a search for "customer" or "agent".
    """
    if "{" not in text:
        return text
    return PLACEHOLDER.sub(lambda match: f" {match.group(2) or ''} ", text)


def field_items(template: Template, situation: Situation | None) -> tuple[tuple[str, ...], ...]:
    """The texts of each field of ``FIELDS``, in that order."""
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
    for number, items in enumerate(field_items(template, situation)):
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


def add_to_columns(columns: Columns, number: int, weights: Mapping[str, float]) -> None:
    """Append template ``number``'s weights to the columns of their terms."""
    for found, weight in weights.items():
        column = columns.get(found)
        if column is None:
            column = columns[found] = (array("i"), array("f"))
        column[0].append(number)
        column[1].append(weight)


def postings_from(columns: Columns) -> dict[str, Posting]:
    """Turn columns into postings, emptying ``columns`` as it goes (to keep the peak low)."""
    postings: dict[str, Posting] = {}
    for found in sorted(columns):
        postings[found] = Posting.from_arrays(*columns.pop(found))
    return postings
