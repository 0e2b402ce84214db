"""Loading and compiling tone data: clear errors for bad data, literal team phrases."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tactful.core.tone_rules import (
    REQUIRED_CHECKS,
    ToneDataError,
    bundled_rulebook,
    compile_patterns,
    load_rulebook,
    phrase_pattern,
)
from tactful.resources import resource_dir

FAMILIES = {
    "sympathy-without-action",
    "passive-apology",
    "blame",
    "dismissive",
    "condescending",
    "policy-wall",
    "hedged-commitment",
    "sorry-for-wait",
    "unfilled-placeholder",
}


def test_bundled_rules_cover_every_family() -> None:
    book = bundled_rulebook()
    assert FAMILIES <= {r.id for r in book.rules}
    assert set(REQUIRED_CHECKS) <= set(book.checks)
    for rule in book.rules:
        assert rule.message
        assert rule.severity in ("info", "warning")


@pytest.fixture
def tone_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "tone"
    shutil.copytree(resource_dir("tone"), folder)
    return folder


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_bad_regex_names_file_and_rule(tone_copy: Path) -> None:
    _append(
        tone_copy / "rules.toml",
        '\n[[rules]]\nid = "x"\nfamily = "f"\nseverity = "info"\nmessage = "m"\n'
        "patterns = ['''(unclosed''']\n",
    )
    with pytest.raises(ToneDataError, match=r"rules\.toml: rules\[\d+\]\.patterns: bad regular"):
        load_rulebook(tone_copy)


def test_unknown_key_is_an_error(tone_copy: Path) -> None:
    _append(
        tone_copy / "rules.toml",
        '\n[[rules]]\nid = "x"\nfamily = "f"\nseverity = "info"\nmessage = "m"\n'
        "phrases = ['a']\nsevertiy = 'warning'\n",
    )
    with pytest.raises(ToneDataError, match=r"unknown key.*severtiy"):
        load_rulebook(tone_copy)


def test_bad_severity_is_an_error(tone_copy: Path) -> None:
    (tone_copy / "extra.toml").write_text(
        '[[rules]]\nid = "x"\nfamily = "f"\nseverity = "loud"\nmessage = "m"\nphrases = ["a"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ToneDataError, match=r"extra\.toml: rules\[0\]\.severity"):
        load_rulebook(tone_copy)


def test_upper_case_pattern_is_rejected() -> None:
    with pytest.raises(ToneDataError, match="lower case"):
        compile_patterns(Path("x.toml"), "rules[0]", [r"\bSorry\b"])


def test_escapes_and_named_groups_may_use_capitals() -> None:
    scanner = compile_patterns(Path("x.toml"), "r", [r"\bfoo\S+(?P<hit>bar)"])
    assert [m.group("hit") for m in scanner.finditer("foo-bar")] == ["bar"]


def test_missing_check_is_an_error(tone_copy: Path) -> None:
    path = tone_copy / "structure.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("[checks.long-sentence]", "[checks.other]"),
        encoding="utf-8",
    )
    with pytest.raises(ToneDataError, match="missing: long-sentence"):
        load_rulebook(tone_copy)


def test_leading_word_boundary_is_kept_without_losing_matches() -> None:
    scanner = compile_patterns(Path("x.toml"), "r", [r"\bcat\b"])
    text = "concat cat scat cat"
    assert [m.start() for m in scanner.finditer(text)] == [7, 16]


def test_phrase_pattern_is_escaped() -> None:
    pattern = re.compile(phrase_pattern("Price (USD) +1"))
    assert pattern.search("the price (usd) +1 applies")
    assert not pattern.search("the price usd 1 applies")
    assert phrase_pattern("multi   word") == r"\bmulti\s+word(?!\w)"


def test_unknown_word_list_names_file_and_rule(tone_copy: Path) -> None:
    _append(
        tone_copy / "rules.toml",
        '\n[[rules]]\nid = "x"\nfamily = "f"\nseverity = "info"\nmessage = "m"\n'
        "patterns = ['''\\byou\\s+@no_such_list''']\n",
    )
    with pytest.raises(
        ToneDataError, match=r"rules\.toml: rules\[\d+\]\.patterns: .*@no_such_list"
    ):
        load_rulebook(tone_copy)


def test_not_after_must_name_a_word_list(tone_copy: Path) -> None:
    _append(
        tone_copy / "rules.toml",
        '\n[[rules]]\nid = "x"\nfamily = "f"\nseverity = "info"\nmessage = "m"\n'
        'phrases = ["a"]\nnot_after = "if, unless"\n',
    )
    with pytest.raises(ToneDataError, match=r"not_after: expected the name of a word list"):
        load_rulebook(tone_copy)


def test_missing_lexicon_is_an_error(tone_copy: Path) -> None:
    (tone_copy / "lexicon.toml").unlink()
    with pytest.raises(ToneDataError, match=r"lexicon\.toml: file: cannot read"):
        load_rulebook(tone_copy)


def test_bad_word_list_entry_names_the_list(tone_copy: Path) -> None:
    _append(tone_copy / "lexicon.toml", '\n[words.extra]\n"x" = 1\n')
    with pytest.raises(ToneDataError, match=r"lexicon\.toml: words\.extra"):
        load_rulebook(tone_copy)
