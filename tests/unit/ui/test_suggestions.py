"""What the popup offers before anything is typed."""

from __future__ import annotations

from tactful.core.library import Library
from tactful.core.model import Pack, Template
from tactful.core.search import Hit
from tactful.ui.suggestions import suggestions


def _library(count: int) -> Library:
    templates = tuple(
        Template(
            id=f"t{n:02d}",
            title=f"Reply number {n}",
            situation="other",
            body=f"Body {n}.",
            pack_id="many",
        )
        for n in range(count)
    )
    return Library([Pack(id="many", name="Many", version="1.0.0", templates=templates)])


def _ids(hits: list[Hit]) -> list[str]:
    return [hit.template.full_id for hit in hits]


def test_favourites_come_first_even_behind_heavier_use() -> None:
    library = _library(14)
    used = {f"many/t{n:02d}": 0.95 - n / 100 for n in range(10)}  # ten heavily used replies
    boosts = {**used, "many/t12": 0.6, "many/t13": 0.7}  # two favourites, never used
    hits = suggestions(library, boosts, {"many/t12", "many/t13"}, limit=20, used_limit=8)
    ids = _ids(hits)
    assert ids[:2] == ["many/t13", "many/t12"]  # the bigger lift first
    assert ids[2:] == [f"many/t{n:02d}" for n in range(8)]  # then the eight most used
    assert [hit.score for hit in hits[:2]] == [0.7, 0.6]


def test_every_favourite_is_offered_up_to_the_limit() -> None:
    library = _library(14)
    favourites = {f"many/t{n:02d}" for n in range(12)}
    boosts = dict.fromkeys(favourites, 0.6) | {"many/t13": 0.9}
    ids = _ids(suggestions(library, boosts, favourites, limit=10, used_limit=8))
    assert len(ids) == 10
    assert ids == sorted(ids)  # ties go by full id: a stable order
    assert "many/t13" not in ids  # the list is full of favourites
    all_of_them = _ids(suggestions(library, boosts, favourites, limit=20, used_limit=8))
    assert set(all_of_them) == favourites | {"many/t13"}
    assert all_of_them[-1] == "many/t13"


def test_a_favourite_without_a_boost_and_gone_templates() -> None:
    library = _library(3)
    boosts = {"gone/x": 1.0, "many/t01": 0.3}
    hits = suggestions(library, boosts, {"many/t02", "gone/y"})
    assert _ids(hits) == ["many/t02", "many/t01"]
    assert hits[0].score == 0.0
    assert suggestions(library, {}, set()) == []
