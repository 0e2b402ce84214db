"""Placeholders: parsing, errors, rendering, built-ins."""

from __future__ import annotations

from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tactful.core.errors import PlaceholderError, RenderError
from tactful.core.placeholders import (
    Placeholder,
    builtin_values,
    missing,
    names,
    needs_input,
    parse,
    render,
)


def test_parse_splits_literals_and_placeholders() -> None:
    assert parse("Hi {customer_name|there}, order {order_id}.") == [
        "Hi ",
        Placeholder("customer_name", "there", 3, 24),
        ", order ",
        Placeholder("order_id", None, 32, 42),
        ".",
    ]


def test_double_braces_are_literal() -> None:
    assert render("{{not a placeholder}} {x}", {"x": "1"}) == "{not a placeholder} 1"


def test_empty_fallback_is_allowed() -> None:
    assert render("Hi{name|}!", {}) == "Hi!"


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("Hi {name", 3, "unclosed"),
        ("Hi {1x}", 3, "invalid placeholder name '1x'"),
        ("Hi {}", 3, "(empty)"),
        ("Hi {Name}", 3, "invalid placeholder name"),
        ("Hi } there", 3, "unmatched '}'"),
        ("Hi {a{b}", 5, "inside a placeholder"),
    ],
)
def test_malformed_placeholders(text: str, position: int, words: str) -> None:
    with pytest.raises(PlaceholderError) as info:
        parse(text)
    assert info.value.position == position
    assert words in str(info.value)


def test_names_in_order_without_repeats() -> None:
    assert names("{b} {a|x} {b}") == ["b", "a"]


def test_missing_ignores_names_with_fallbacks() -> None:
    text = "{customer_name|there} {order_id} {order_id}"
    assert missing(text, {}) == ["order_id"]
    assert needs_input(text, {}) == ["customer_name", "order_id"]
    assert needs_input(text, {"customer_name": "Ana"}) == ["order_id"]


def test_render_uses_values_then_fallbacks() -> None:
    assert render("Hi {n|there}", {"n": "Ana"}) == "Hi Ana"
    assert render("Hi {n|there}", {"n": ""}) == "Hi there"


def test_render_lists_every_missing_name() -> None:
    with pytest.raises(RenderError) as info:
        render("{a} {b|x} {c}", {})
    assert info.value.missing == ["a", "c"]
    assert "a, c" in str(info.value)


def test_builtins_from_settings_and_clock() -> None:
    moment = datetime(2026, 3, 5, 14, 7)
    values = builtin_values(agent_name="Sam", company="ACME", now=moment)
    assert values == {
        "today": "March 5, 2026",
        "now": "14:07",
        "weekday": "Thursday",
        "agent_name": "Sam",
        "agent_signature": "Sam",
        "company": "ACME",
    }
    assert "agent_name" not in builtin_values(now=moment)


@given(st.text(alphabet=st.characters(blacklist_characters="{}"), max_size=60))
def test_text_without_braces_renders_to_itself(text: str) -> None:
    assert render(text, {}) == text
