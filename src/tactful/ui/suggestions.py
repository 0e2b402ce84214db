"""What the popup offers before anything is typed: the favourites, then the most used replies.

Every favourite is offered (up to ``limit``), so heavy use of other replies
never pushes one out of the list; the most used others follow, at most
``used_limit`` of them. Within each group the bigger usage lift comes first
and ties go by full id, so the order is stable. A favourite or a used
template whose pack is gone since is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Set

from tactful.core.errors import UnknownTemplateError
from tactful.core.library import Library
from tactful.core.search import Hit

LIMIT = 20
"""At most this many suggestions in all."""
USED_LIMIT = 8
"""At most this many most-used replies that are not favourites."""


def suggestions(
    library: Library,
    boosts: Mapping[str, float],
    favourites: Set[str],
    *,
    limit: int = LIMIT,
    used_limit: int = USED_LIMIT,
) -> list[Hit]:
    """The replies to offer for an empty query; each hit's score is its usage lift.

    Args:
        library: Where the templates are looked up by full id.
        boosts: Each used or favourite template's lift (``UsageStore.boosts``).
        favourites: The full ids of the favourite templates.
        limit: At most this many hits in all.
        used_limit: At most this many hits that are not favourites.
    """

    def order(full_id: str) -> tuple[float, str]:
        return (-boosts.get(full_id, 0.0), full_id)

    used = sorted((full_id for full_id in boosts if full_id not in favourites), key=order)
    hits: list[Hit] = []
    for group, room in ((sorted(favourites, key=order), limit), (used, used_limit)):
        taken = 0
        for full_id in group:
            if taken >= room or len(hits) >= limit:
                break
            try:
                template = library.get(full_id)
            except UnknownTemplateError:
                continue
            hits.append(Hit(template, boosts.get(full_id, 0.0), ()))
            taken += 1
    return hits
