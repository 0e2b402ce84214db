"""The synonym lexicon: the file format, phrase matching, and the bundled data."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from tactful.core import analyzer
from tactful.core.lexicon import Lexicon, LexiconError, default_lexicon
from tactful.core.model import Template
from tactful.core.search import SearchIndex
from tactful.core.situations import STANDARD_SITUATIONS
from tactful.resources import resource_dir

BUNDLED = resource_dir("lexicon") / "synonyms.toml"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "synonyms.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_phrases_match_on_analyzed_words() -> None:
    lexicon = Lexicon.from_groups([["money back", "refund"], ["locked out", "can't log in"]])
    [refund] = lexicon.concepts_of("refund")
    assert lexicon.concepts_of("Money BACK") == [refund]
    assert lexicon.concepts_of("refunds") == [refund]  # stemmed
    words = analyzer.terms("I want my money back because I can't log in")
    found = lexicon.find(words)
    assert [(words[m.start], words[m.end - 1]) for m in found] == [
        ("money", "back"),
        ("cant", "log"),
    ]
    assert found[0].concept == refund
    assert found[1].concept != refund


def test_a_word_may_sit_in_several_groups() -> None:
    lexicon = Lexicon.from_groups([["charge", "fee"], ["charge", "bill"]])
    assert len(lexicon.concepts_of("charges")) == 2


def test_groups_of_one_phrase_are_dropped() -> None:
    assert Lexicon.from_groups([["alone"], ["", "  "]]).groups == ()
    assert Lexicon.empty().find(["anything"]) == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format = 1\n[[group]\n", "cannot read"),
        ("[[group]]\nterms = ['a', 'b']\n", "format"),
        ("format = 2\n", "newer"),
        ("format = 1\nextra = 1\n", "unknown key"),
        ("format = 1\n[[group]]\nterms = ['only one']\n", "group[0].terms"),
        ("format = 1\n[[group]]\nterms = ['a', 3]\n", "group[0].terms"),
        ("format = 1\n[[group]]\nterms = ['a', 'b']\nsynonyms = []\n", "group[0]: unknown"),
        ("format = 1\ngroup = 'x'\n", "array of tables"),
    ],
)
def test_bad_files_name_the_problem(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(LexiconError, match=re.escape(message)) as caught:
        Lexicon.load(path)
    assert str(path) in str(caught.value)


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "synonyms.toml"
    path.write_bytes(b"format = 1\n# \xff\xfe\n")
    with pytest.raises(LexiconError, match="cannot read"):
        Lexicon.load(path)


def test_bundled_lexicon_loads_and_is_large() -> None:
    lexicon = Lexicon.bundled()
    assert len(lexicon.groups) >= 150
    assert sum(len(g) for g in lexicon.groups) >= 1000
    assert default_lexicon().groups == lexicon.groups


def test_bundled_groups_are_well_formed() -> None:
    data = tomllib.loads(BUNDLED.read_text(encoding="utf-8"))
    for number, group in enumerate(data["group"]):
        phrases = group["terms"]
        assert len(phrases) == len(set(phrases)), f"group {number} repeats a phrase"
        assert all(p == p.strip() and p for p in phrases), f"group {number}: blank or padded"
        # Every phrase means something after analysis (not only stop words).
        assert all(analyzer.terms(p) for p in phrases), f"group {number}: {phrases}"


def test_multi_word_phrases_do_not_shrink_into_another_meaning() -> None:
    """A phrase that loses its stop words must not become a different common word.

    "where is my order" analyzed is "where order"; if "where" were a stop word it
    would become "order" and tie every order to the where-is-my-order group.
    """
    data = tomllib.loads(BUNDLED.read_text(encoding="utf-8"))
    generic = {"order", "account", "not", "back", "new", "check", "add", "user", "pay", "charg"}
    for group in data["group"]:
        own_words = {analyzer.terms(p)[0] for p in group["terms"] if len(p.split()) == 1}
        for phrase in group["terms"]:
            analyzed = analyzer.terms(phrase)
            if len(phrase.split()) > 1 and len(analyzed) == 1 and analyzed[0] not in own_words:
                assert analyzed[0] not in generic, f"{phrase!r} shrinks to {analyzed[0]!r}"


@pytest.mark.parametrize(
    ("query", "written"),
    [
        ("money back", "Your refund is on its way."),
        ("parcel", "Your package was delivered."),
        ("locked out", "If you can't log in, reset it here."),
        ("charged twice", "A duplicate payment was taken."),
        ("pincode", "Enter your postcode at checkout."),
        ("cod", "You can pay cash on delivery."),
        ("withdrawal status", "Your payout was sent today."),
        ("sign up", "To create an account, open the app."),
        ("present", "Your gift ships today."),
    ],
)
def test_search_finds_a_template_that_says_it_differently(query: str, written: str) -> None:
    situations = {s.id: s for s in STANDARD_SITUATIONS}
    target = Template(id="t", title="Reply", situation="how_to", body=written, pack_id="p")
    other = Template(
        id="o", title="Other", situation="opening", body="Unrelated words.", pack_id="p"
    )
    index = SearchIndex.build([other, target], situations)
    hits = index.search(query)
    assert hits
    assert hits[0].template.id == "t"
    assert SearchIndex.build([other, target], situations, Lexicon.empty()).search(query) == []


@pytest.mark.parametrize(
    ("query", "written"),
    [
        ("pwd", "Here is a link for a new password."),
        ("rcvd", "Once it is received we refund."),
        ("acct", "Your account is closed."),
        ("amt", "The amount is back on your card."),
        ("tnq", "Thanks for letting us know."),
    ],
)
def test_chat_shorthand_is_read_as_its_word_without_any_lexicon(query: str, written: str) -> None:
    situations = {s.id: s for s in STANDARD_SITUATIONS}
    target = Template(id="t", title="Reply", situation="how_to", body=written, pack_id="p")
    other = Template(
        id="o", title="Other", situation="opening", body="Unrelated words.", pack_id="p"
    )
    hits = SearchIndex.build([other, target], situations, Lexicon.empty()).search(query)
    assert [hit.template.id for hit in hits] == ["t"]


def test_a_word_of_the_lexicon_is_not_read_as_a_typo() -> None:
    """ "payout" is one letter off "layout"; as a word of the lexicon it is taken as written."""
    situations = {s.id: s for s in STANDARD_SITUATIONS}
    layout = Template(
        id="l", title="Layout", situation="how_to", body="Change the page layout.", pack_id="p"
    )
    sent = Template(
        id="w",
        title="Sent",
        situation="refund_delayed",
        body="Your withdrawal is sent.",
        pack_id="p",
    )
    query = "payout."
    with_group = Lexicon.from_groups([["payout", "withdrawal"]])
    found = SearchIndex.build([layout, sent], situations, with_group).search(query)
    assert [hit.template.id for hit in found] == ["w"]
    without = SearchIndex.build([layout, sent], situations, Lexicon.empty()).search(query)
    assert [hit.template.id for hit in without] == ["l"]
