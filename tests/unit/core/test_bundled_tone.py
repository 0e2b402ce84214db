"""The bundled packs' replies pass the tone checker: no warning in any body or variant.

Each reply is filled in the way an agent would send it, with a value for every
placeholder, so a warning here is either a template at fault or a rule that
misfires on a good reply; both are defects.
"""

from __future__ import annotations

import pytest

from tactful.core.library import load_library
from tactful.core.model import Template
from tactful.core.pack_tone import sample_value
from tactful.core.placeholders import names, render
from tactful.core.tone import check_tone
from tactful.resources import bundled_pack_files


def _replies() -> list[tuple[str, str]]:
    library = load_library(bundled_pack_files())
    assert library.problems == []
    out: list[tuple[str, str]] = []
    t: Template
    for t in library.templates:
        out.append((t.full_id, t.body))
        out.extend((f"{t.full_id}#{channel}", text) for channel, text in t.variants)
    return out


REPLIES = _replies()


def test_there_are_replies_to_check() -> None:
    assert len(REPLIES) >= 500
    assert any("#" in where for where, _ in REPLIES)  # variants are checked too


@pytest.mark.parametrize(("where", "raw"), REPLIES, ids=[where for where, _ in REPLIES])
def test_reply_has_no_tone_warning(where: str, raw: str) -> None:
    text = render(raw, {name: sample_value(name) for name in names(raw)})
    warnings = [
        f"{f.rule} at {text[f.start : f.end]!r}"
        for f in check_tone(text)
        if f.severity == "warning"
    ]
    assert warnings == [], f"{where}: {text}"
