"""The tone rules' word lists: verb forms, expansion into patterns, clear errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tactful.core.tone_lexicon import ToneDataError, inflect, load_lexicon
from tactful.core.tone_rules import bundled_rulebook, read_data
from tactful.resources import resource_dir

PATH = Path("lexicon.toml")


@pytest.mark.parametrize(
    ("entry", "past"),
    [
        ("enter", ("entered",)),
        ("type", ("typed",)),
        ("apply", ("applied",)),
        ("pay/paid", ("paid",)),
        ("fill in", ("filled in",)),
        ("log in/logged in", ("logged in",)),
        ("cancel/cancelled|canceled", ("cancelled", "canceled")),
    ],
)
def test_regular_and_written_out_past_forms(entry: str, past: tuple[str, ...]) -> None:
    _, got, _ = inflect(entry)
    assert got == past


def test_participle_defaults_to_the_past() -> None:
    assert inflect("give/gave/given") == (("give",), ("gave",), ("given",))
    assert inflect("send/sent")[2] == ("sent",)
    assert inflect("stay") == (("stay",), ("stayed",), ("stayed",))


def test_expansion_matches_every_form_and_only_whole_entries() -> None:
    lexicon = load_lexicon(PATH, {"verbs": {"act": ["fill in", "choose/chose/chosen"]}})
    pattern = re.compile(lexicon.expand(r"\byou\s+@act.past\b", PATH, "r"))
    assert pattern.search("you filled   in the form")
    assert pattern.search("you chose it")
    assert not pattern.search("you chosen it")
    participle = re.compile(lexicon.expand(r"\bhave\s+@act.participle\b", PATH, "r"))
    assert participle.search("have chosen")


def test_entries_are_literal_not_regex() -> None:
    lexicon = load_lexicon(PATH, {"words": {"w": ["t&cs", "no."]}})
    pattern = re.compile(lexicon.expand(r"\b@w", PATH, "r"))
    assert pattern.search("our t&cs")
    assert not pattern.search("nox")


def test_unknown_list_names_the_file_and_where() -> None:
    lexicon = load_lexicon(PATH, {"words": {"w": ["a"]}})
    with pytest.raises(ToneDataError, match=r"lexicon\.toml: rules\[3\]: no word list named @nope"):
        lexicon.expand(r"\b@nope", PATH, "rules[3]")
    with pytest.raises(ToneDataError, match=r"@w\.past"):
        lexicon.expand(r"\b@w.past", PATH, "r")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"word": {}}, "unknown table"),
        ({"words": {"w": "a"}}, r"words\.w: expected a non-empty list"),
        ({"words": {"w": []}}, "non-empty"),
        ({"words": {"w": ["Upper"]}}, "lower-case words only"),
        ({"words": {"w": ["a/b"]}}, r"'/' and '\|' are for \[verbs\] only"),
        ({"verbs": {"v": ["a/b/c/d"]}}, "at most 3 forms"),
        ({"words": {"Bad": ["a"]}}, "names are lower case"),
        ({"words": {"w": ["a"]}, "verbs": {"w": ["b"]}}, "used twice"),
    ],
)
def test_malformed_lists_are_errors(data: dict[str, object], message: str) -> None:
    with pytest.raises(ToneDataError, match=message):
        load_lexicon(PATH, data)


def test_bundled_lexicon_loads_and_every_list_is_used() -> None:
    path = resource_dir("tone") / "lexicon.toml"
    data = read_data(path)
    load_lexicon(path, data)
    used = "".join(
        (resource_dir("tone") / name).read_text(encoding="utf-8")
        for name in ("rules.toml", "structure.toml")
    )
    for table in ("words", "verbs"):
        for name in data[table]:
            assert re.search(rf"@{name}\b|\"{name}\"", used), f"{name} is never used"
    assert bundled_rulebook().rules
