"""The customer-message reader: cues with their words, and the reminders that fit."""

from __future__ import annotations

import random

import pytest

from tactful.core.customer import (
    CUE_KINDS,
    Cue,
    bundled_reader,
    looks_like_message,
    read_customer,
    reminders_for,
    situations_for,
)
from tactful.core.situations import STANDARD_IDS


def cues(text: str) -> list[tuple[str, str]]:
    return [(c.kind, c.words) for c in read_customer(text)]


def kinds(text: str) -> set[str]:
    return {c.kind for c in read_customer(text)}


@pytest.mark.parametrize(
    ("text", "kind", "words"),
    [
        ("This is absolutely ridiculous, I want a refund.", "angry", "ridiculous"),
        ("I'm fed up with this company.", "angry", "fed up"),
        ("WHERE IS MY PARCEL", "angry", "WHERE IS MY PARCEL"),
        ("Where is it?!", "angry", "?!"),
        ("I'm not happy with the service.", "angry", "not happy"),
        ("I'm really upset, I need this sorted today.", "angry", "upset"),
        ("Very frustrated with the delivery.", "angry", "frustrated"),
        ("I need it by Friday for the wedding.", "urgent", "by Friday"),
        ("Please sort this out ASAP.", "urgent", "ASAP"),
        ("This is the third time I've written to you.", "repeat_contact", "third time"),
        ("I already explained this to your colleague.", "repeat_contact", "already explained"),
        ("I keep getting transferred between teams.", "repeat_contact", "keep getting transferred"),
        ("I'm confused by the new invoice.", "confused", "confused"),
        ("How do I change my address?", "confused", "How do I"),
        ("This doesn't make sense to me.", "confused", "doesn't make sense"),
        ("I'm really worried my account was hacked.", "anxious", "worried"),
        ("Is my money safe?", "anxious", "Is my money safe"),
        ("My mother passed away in March.", "hardship", "passed away"),
        ("I lost my job and can't afford the plan.", "hardship", "lost my job"),
        ("I lost my job and can't afford the plan.", "hardship", "can't afford"),
        ("Thank you so much, you're a lifesaver!", "happy", "Thank you so much"),
        ("Great service as always.", "happy", "Great service"),
    ],
)
def test_cue_and_the_words_that_show_it(text: str, kind: str, words: str) -> None:
    assert (kind, words) in cues(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I'm not angry, just curious.", "angry"),
        ("No rush at all, whenever suits.", "urgent"),
        ("It's not urgent.", "urgent"),
        ("I'm not worried about it.", "anxious"),
        ("I'm not upset, just checking.", "angry"),
        ("I'm not happy", "happy"),
        ("Please send the PDF and the IBAN.", "angry"),
        ("I would like to order a blue jacket in size M.", "angry"),
        ("I would like to order a blue jacket in size M.", "confused"),
        ('The agent said "this is ridiculous" to me.', "angry"),
    ],
)
def test_no_cue(text: str, kind: str) -> None:
    assert kind not in kinds(text)


def test_cues_are_sorted_and_point_into_the_text() -> None:
    text = "Third time asking!! I'm furious. I need it today, my dad died."
    found = read_customer(text)
    assert [c.start for c in found] == sorted(c.start for c in found)
    for cue in found:
        assert cue.kind in CUE_KINDS
        assert text[cue.start : cue.end] == cue.words
    assert {"repeat_contact", "angry", "hardship"} <= {c.kind for c in found}


def test_reminders_fit_the_cues_and_come_in_priority_order() -> None:
    found = read_customer("Second time I've asked, and I am furious. I'm confused too.")
    reminders = reminders_for(found)
    assert reminders[0] == "Let them vent before you offer the fix."
    assert "Don't make them repeat themselves: read the history first." in reminders
    assert "Slow down: one step at a time." in reminders
    assert reminders.index("Let them vent before you offer the fix.") < reminders.index(
        "Slow down: one step at a time."
    )
    assert len(reminders) == len(set(reminders))


def test_hardship_comes_before_anger() -> None:
    found = read_customer("I'm furious. My husband passed away and you keep billing him.")
    assert bundled_reader().kinds(found)[:2] == ["hardship", "angry"]


def test_no_cues_no_reminders() -> None:
    assert reminders_for([]) == []
    assert situations_for([]) == []


def test_situations_are_standard_ids() -> None:
    for kind in CUE_KINDS:
        for situation in situations_for([Cue(kind, 0, 1, "x")]):
            assert situation in STANDARD_IDS


def test_every_kind_has_a_reminder() -> None:
    for kind in CUE_KINDS:
        assert reminders_for([Cue(kind, 0, 1, "x")])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("refund late", False),
        ("order late birthday gift", False),
        ("Hi, my order was meant to arrive on Monday. Where is it?", True),
        ("I have been waiting for my refund for three weeks now and nobody answers", True),
        ("", False),
    ],
)
def test_looks_like_message(text: str, expected: bool) -> None:
    assert looks_like_message(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "\u05d0\u05e0\u05d9 \u05db\u05d5\u05e2\u05e1 furious \u0645\u0631\u062d\u0628\u0627",
        "zero\u200bwidth\u202e and bidi",
        "x" * 1_000_000,
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    for cue in read_customer(text):
        assert 0 <= cue.start < cue.end <= len(text)


def test_binary_garbage() -> None:
    rng = random.Random(7)
    text = bytes(rng.randrange(256) for _ in range(40_000)).decode("latin-1")
    for cue in read_customer(text):
        assert text[cue.start : cue.end] == cue.words
