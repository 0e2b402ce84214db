"""The shared walk over backend factories: first that starts wins, the rest get reasons."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pytest

from tactful.desktop.selection import pick


class CannotRunError(Exception):
    pass


@dataclass
class Backend:
    name: str
    env: Mapping[str, str]


Factory = Callable[[Mapping[str, str]], Backend]


def builds(name: str) -> Factory:
    return lambda env: Backend(name, env)


def refuses(reason: str) -> Factory:
    def factory(env: Mapping[str, str]) -> Backend:
        raise CannotRunError(reason)

    return factory


def crashes(env: Mapping[str, str]) -> Backend:
    raise RuntimeError("boom")


def run(order: list[str], factories: dict[str, Factory]) -> tuple[Backend | None, list]:
    return pick(
        order, factories, {"DISPLAY": ":7"}, unavailable=(CannotRunError,), log_what="widget"
    )


def test_first_backend_that_starts_is_chosen_and_built_with_the_env() -> None:
    chosen, passed_over = run(["a", "b", "c"], {"a": builds("a"), "b": builds("b")})
    assert chosen is not None
    assert chosen.name == "a"
    assert chosen.env == {"DISPLAY": ":7"}
    assert passed_over == [("b", "not needed: a works"), ("c", "not needed: a works")]


def test_every_backend_before_the_chosen_one_says_why_in_order() -> None:
    chosen, passed_over = run(
        ["missing", "refused", "buggy", "good", "later"],
        {"refused": refuses("no display here"), "buggy": crashes, "good": builds("good")},
    )
    assert chosen is not None
    assert chosen.name == "good"
    assert passed_over == [
        ("missing", "not available in this build"),
        ("refused", "no display here"),
        ("buggy", "failed to start: boom"),
        ("later", "not needed: good works"),
    ]


def test_nothing_starts() -> None:
    chosen, passed_over = run(["a", "b"], {"a": refuses("no"), "b": refuses("nor this")})
    assert chosen is None
    assert passed_over == [("a", "no"), ("b", "nor this")]


def test_empty_order_chooses_nothing() -> None:
    assert run([], {"a": builds("a")}) == (None, [])


def test_a_backend_bug_is_logged_with_what_it_was_for(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR):
        run(["buggy"], {"buggy": crashes})
    assert [r.getMessage() for r in caplog.records] == ["widget backend buggy failed to start"]
    assert caplog.records[0].exc_info is not None


def test_an_exception_outside_unavailable_is_not_taken_for_a_refusal(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def wrong_kind(env: Mapping[str, str]) -> Backend:
        raise ValueError("bad value")

    with caplog.at_level(logging.ERROR):
        chosen, passed_over = run(["x", "y"], {"x": wrong_kind, "y": builds("y")})
    assert chosen is not None
    assert chosen.name == "y"
    assert passed_over == [("x", "failed to start: bad value")]
    assert len(caplog.records) == 1
