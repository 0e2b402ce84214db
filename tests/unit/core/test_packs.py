"""The pack reader (every error path) and the writer (round trips)."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tactful.core import packs
from tactful.core.errors import (
    PackError,
    PackFormatError,
    PackLimitError,
    PackSyntaxError,
    PackValidationError,
)
from tactful.core.model import Pack, Reminder, Situation, Template, ToneRule
from tactful.core.packs import dump_pack, parse_pack, parse_pack_bytes, read_pack, write_pack

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "packs" / "acme.tactful.toml"

HEAD = """format = 1

[pack]
id = "acme.core"
name = "ACME"
version = "1.0.0"
"""

TEMPLATE = """
[[templates]]
id = "{tid}"
title = "A title"
situation = "{situation}"
body = "{body}"
"""


def template(tid: str = "t1", situation: str = "order_late", body: str = "Hello") -> str:
    return TEMPLATE.format(tid=tid, situation=situation, body=body)


def error_of(text: str) -> PackError:
    with pytest.raises(PackError) as info:
        parse_pack(text, path=Path("team.tactful.toml"))
    return info.value


def test_reads_the_documented_example() -> None:
    pack = read_pack(FIXTURE)
    assert pack.id == "acme.support"
    assert pack.version == "1.4.0"
    assert [t.full_id for t in pack.templates] == [
        "acme.support/late-birthday-gift",
        "acme.support/points-missing",
    ]
    gift = pack.templates[0]
    assert gift.situation == "missed_occasion"
    assert gift.body.startswith("Hi {customer_name|there},")
    assert gift.body_for("chat").startswith("Oh no")
    assert gift.body_for("email") == gift.body
    assert pack.situations == (
        Situation(
            "loyalty_points", "Loyalty points missing", ("points not added", "rewards missing")
        ),
    )
    assert pack.reminders[1].is_general
    assert pack.tone_rules == (
        ToneRule(
            "no-rma", ("RMA",), "Customers don't know our internal codes.", "return label", "info"
        ),
    )


def test_minimal_pack_defaults() -> None:
    pack = parse_pack(HEAD + template())
    assert pack.language == "en"
    assert pack.author == ""
    assert pack.templates[0].keywords == ()


@pytest.mark.parametrize(
    ("text", "cls", "line", "key", "words"),
    [
        (HEAD + "colour = 1\n", PackValidationError, 7, "pack.colour", "unknown key"),
        (
            HEAD.replace("name =", "nmae ="),
            PackValidationError,
            5,
            "pack.nmae",
            "did you mean 'name'",
        ),
        (
            HEAD + template() + "keywrds = ['x']\n",
            PackValidationError,
            13,
            "templates[0].keywrds",
            "unknown key",
        ),
        (HEAD.replace("format = 1", "format = 2"), PackFormatError, 1, "format", "newer"),
        (HEAD.replace("format = 1\n", ""), PackFormatError, 1, None, "format"),
        (HEAD.replace("format = 1", 'format = "1"'), PackFormatError, 1, "format", "whole number"),
        (
            HEAD.replace('id = "acme.core"', 'id = "ACME core"'),
            PackValidationError,
            4,
            "pack.id",
            "pack id",
        ),
        (
            HEAD.replace('version = "1.0.0"', 'version = "one"'),
            PackValidationError,
            6,
            "pack.version",
            "semantic",
        ),
        (
            HEAD.replace('name = "ACME"\n', ""),
            PackValidationError,
            3,
            "pack",
            "missing required key 'name'",
        ),
        ("format = 1\n", PackValidationError, 1, None, "[pack]"),
        (
            HEAD + template(situation="order_lat"),
            PackValidationError,
            11,
            "templates[0].situation",
            "did you mean 'order_late'",
        ),
        (HEAD + template() + template(), PackValidationError, 15, "templates[1].id", "used twice"),
        (
            HEAD + template(body="Hi {name"),
            PackValidationError,
            12,
            "templates[0].body",
            "unclosed",
        ),
        (
            HEAD + template(body="Hi {1x}"),
            PackValidationError,
            12,
            "templates[0].body",
            "invalid placeholder name",
        ),
        (HEAD + template(body="Hi }"), PackValidationError, 12, "templates[0].body", "unmatched"),
        (HEAD + template(body=""), PackValidationError, 12, "templates[0].body", "empty"),
        (
            HEAD + template().replace('title = "A title"\n', ""),
            PackValidationError,
            8,
            "templates[0]",
            "'title'",
        ),
        (
            HEAD + template() + "tags = 'x'\n",
            PackValidationError,
            13,
            "templates[0].tags",
            "list of strings",
        ),
        (
            HEAD + template() + "tone = [1]\n",
            PackValidationError,
            13,
            "templates[0].tone[0]",
            "string",
        ),
        (
            HEAD + template() + "\n[templates.variants]\nchat = 3\n",
            PackValidationError,
            15,
            "templates[0].variants.chat",
            "string",
        ),
        (
            HEAD + template() + "\n[templates.variants]\nChat = 'x'\n",
            PackValidationError,
            15,
            "templates[0].variants.Chat",
            "channel",
        ),
        (
            HEAD + template() + "\n[templates.variants]\nchat = 'Hi {x'\n",
            PackValidationError,
            15,
            "templates[0].variants.chat",
            "unclosed",
        ),
        (
            HEAD + "\n[[reminders]]\ntext = 'x'\nsituations = ['nope']\n",
            PackValidationError,
            10,
            "reminders[0].situations[0]",
            "unknown situation",
        ),
        (
            HEAD + "\n[[situations]]\nid = 'order_late'\nname = 'x'\n",
            PackValidationError,
            9,
            "situations[0].id",
            "standard situation",
        ),
        (
            HEAD + "\n[[tone_rules]]\nid = 'r'\nphrases = []\nmessage = 'm'\n",
            PackValidationError,
            10,
            "tone_rules[0].phrases",
            "at least one",
        ),
        (
            HEAD
            + "\n[[tone_rules]]\nid = 'r'\nphrases = ['x']\nmessage = 'm'\nseverity = 'loud'\n",
            PackValidationError,
            12,
            "tone_rules[0].severity",
            "info, warning",
        ),
        (
            "format = 1\ntemplates = 3\n" + HEAD.replace("format = 1\n", ""),
            PackValidationError,
            2,
            "templates",
            "array of tables",
        ),
        (HEAD + "[[templates]\n", PackSyntaxError, 7, None, "not valid TOML"),
    ],
)
def test_each_error_names_file_line_key_and_expectation(
    text: str, cls: type[PackError], line: int, key: str | None, words: str
) -> None:
    err = error_of(text)
    assert type(err) is cls
    assert err.line == line, str(err)
    assert err.key == key
    assert words in str(err)
    assert str(err).startswith(f"team.tactful.toml:{line}: ")


def test_pack_defined_situation_is_accepted() -> None:
    text = HEAD + "\n[[situations]]\nid = 'vip'\nname = 'VIP'\n" + template(situation="vip")
    assert parse_pack(text).templates[0].situation == "vip"


def test_non_utf8_names_the_line() -> None:
    data = (HEAD + template()).encode() + b"\n# caf\xe9\n"
    with pytest.raises(PackSyntaxError) as info:
        parse_pack_bytes(data, path=Path("x.tactful.toml"))
    assert "UTF-8" in str(info.value)
    assert info.value.line == 14


def test_oversize_file_is_refused_without_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.tactful.toml"
    with big.open("wb") as handle:
        handle.truncate(packs.MAX_FILE_BYTES + 1)
    with pytest.raises(PackLimitError, match="8 MiB"):
        read_pack(big)


def test_oversize_body_is_refused() -> None:
    err = error_of(HEAD + template(body="x" * (packs.MAX_BODY_CHARS + 1)))
    assert isinstance(err, PackLimitError)
    assert err.key == "templates[0].body"


def test_too_many_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(packs, "MAX_TEMPLATES", 2)
    err = error_of(HEAD + template("a") + template("b") + template("c"))
    assert isinstance(err, PackLimitError)
    assert "at most 2" in str(err)


def test_missing_file_is_a_pack_error(tmp_path: Path) -> None:
    with pytest.raises(PackSyntaxError, match="cannot read"):
        read_pack(tmp_path / "absent.tactful.toml")


def test_write_then_read_gives_an_equal_pack(tmp_path: Path) -> None:
    pack = read_pack(FIXTURE)
    target = tmp_path / "copy.tactful.toml"
    write_pack(pack, target)
    again = read_pack(target)
    assert again == pack
    write_pack(again, target)
    assert (tmp_path / "copy.tactful.toml.bak").exists()


_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="{}"),
    max_size=40,
)
_nonblank = _text.filter(lambda s: s.strip() != "")
_ident = st.text(alphabet=string.ascii_lowercase + string.digits, min_size=1, max_size=12)


@st.composite
def packs_strategy(draw: st.DrawFn) -> Pack:
    pid = "p" + draw(_ident)
    n = draw(st.integers(min_value=0, max_value=4))
    tids = draw(st.lists(_ident, min_size=n, max_size=n, unique=True))
    templates = tuple(
        Template(
            id=tid,
            title=draw(_nonblank),
            situation=draw(st.sampled_from(["order_late", "refund_request", "custom_one"])),
            body=draw(_nonblank)
            + draw(st.sampled_from(["", " {customer_name|there}", " {order_id}", " {{x}}"])),
            pack_id=pid,
            keywords=tuple(draw(st.lists(_text, max_size=3))),
            tags=tuple(draw(st.lists(_ident, max_size=2))),
            tone=tuple(draw(st.lists(_nonblank, max_size=2))),
            variants=tuple(
                (name, body)
                for name, body in draw(
                    st.dictionaries(st.sampled_from(["chat", "email"]), _nonblank, max_size=2)
                ).items()
            ),
        )
        for tid in tids
    )
    return Pack(
        id=pid,
        name=draw(_nonblank),
        version=f"{draw(st.integers(0, 9))}.{draw(st.integers(0, 9))}.0",
        language=draw(st.sampled_from(["en", "de", "pt-BR"])),
        author=draw(_text),
        description=draw(_text),
        situations=(Situation("custom_one", "Custom", tuple(draw(st.lists(_text, max_size=2)))),),
        reminders=tuple(
            Reminder(text, tuple(sits))
            for text, sits in draw(
                st.lists(
                    st.tuples(
                        _nonblank,
                        st.lists(st.sampled_from(["order_late", "custom_one"]), max_size=2),
                    ),
                    max_size=3,
                )
            )
        ),
        templates=templates,
    )


@settings(max_examples=60, deadline=None)
@given(packs_strategy())
def test_round_trip_property(pack: Pack) -> None:
    assert parse_pack(dump_pack(pack)) == pack
