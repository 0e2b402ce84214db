"""The bundled library: coverage of every standard situation, and quality bars."""

from __future__ import annotations

import itertools
from collections import Counter

import pytest
from rapidfuzz import fuzz

from tactful.core.library import Library, load_library
from tactful.core.placeholders import BUILTIN_NAMES, names
from tactful.core.situations import STANDARD_IDS
from tactful.resources import bundled_pack_files

HARD = (
    "angry_customer",
    "repeat_contact",
    "hardship",
    "policy_no",
    "our_mistake",
    "missed_occasion",
)


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library(bundled_pack_files())


def test_every_pack_validates(library: Library) -> None:
    assert library.problems == []
    assert len(library.packs) == len(bundled_pack_files())


def test_at_least_250_templates_and_5_per_situation(library: Library) -> None:
    assert len(library.templates) >= 250
    per = Counter(t.situation for t in library.templates)
    thin = {sid: per[sid] for sid in STANDARD_IDS if per[sid] < 5}
    assert thin == {}
    hard_thin = {sid: per[sid] for sid in HARD if per[sid] < 7}
    assert hard_thin == {}


def test_every_template_has_two_tone_reminders_keywords_and_a_title(library: Library) -> None:
    weak = [
        t.full_id
        for t in library.templates
        if len(t.tone) < 2 or len(t.keywords) < 3 or not t.title.strip()
    ]
    assert weak == []


def test_situation_and_general_reminders(library: Library) -> None:
    covered = {sid for r in library.reminders for sid in r.situations}
    assert STANDARD_IDS - covered == set()
    assert sum(1 for r in library.reminders if r.is_general) >= 8


def test_registers_chat_and_email(library: Library) -> None:
    with_variants = [t for t in library.templates if t.variants]
    assert len(with_variants) >= len(library.templates) * 2 // 3
    channels = {c for t in library.templates for c in t.channels}
    assert channels <= {"chat", "email"}


def test_placeholders_are_well_formed_and_named_consistently(library: Library) -> None:
    used: Counter[str] = Counter()
    for t in library.templates:
        for text in (t.body, *(v for _, v in t.variants)):
            used.update(names(text))
    assert "customer_name" in used
    # Names a real agent fills in; a name used once is likely a typo of another.
    custom = {n for n in used if n not in BUILTIN_NAMES}
    singletons = sorted(n for n in custom if used[n] == 1)
    assert len(singletons) <= len(custom) // 3, singletons


def test_no_two_templates_are_near_duplicates(library: Library) -> None:
    bodies = [(t.full_id, t.body) for t in library.templates]
    close = [
        (a, b, round(score))
        for (a, x), (b, y) in itertools.combinations(bodies, 2)
        if (score := fuzz.ratio(x, y)) > 90
    ]
    assert close == []


def test_template_ids_are_unique_library_wide(library: Library) -> None:
    ids = Counter(t.full_id for t in library.templates)
    assert [i for i, n in ids.items() if n > 1] == []
