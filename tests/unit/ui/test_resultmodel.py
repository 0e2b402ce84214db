from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from tactful.core.library import Library
from tactful.core.search import Hit, Span
from tactful.ui.resultmodel import ResultModel, Role, one_line_preview


def _hit(library: Library, full_id: str, *spans: Span) -> Hit:
    return Hit(library.get(full_id), 1.0, spans)


def test_rows_expose_title_situation_pack_and_template(library: Library) -> None:
    model = ResultModel(library)
    model.set_hits([_hit(library, "test.pack/late-gift"), _hit(library, "test.pack/refund")])
    assert model.rowCount() == 2
    first = model.index(0)
    assert first.data(Role.TITLE) == "Late birthday gift: name the occasion"
    assert first.data(Qt.ItemDataRole.DisplayRole) == first.data(Role.TITLE)
    assert first.data(Role.SITUATION) == "Missed occasion"  # the pack's name for the id
    assert first.data(Role.PACK) == "Test pack"
    assert first.data(Role.TEMPLATE).full_id == "test.pack/late-gift"
    assert first.data(Qt.ItemDataRole.ToolTipRole) == "test.pack/late-gift"
    # a standard situation the pack does not define still gets its readable name
    assert model.index(1).data(Role.SITUATION) != "refund_request"


def test_unknown_situation_and_pack_fall_back_to_ids(library: Library) -> None:
    model = ResultModel(Library([]))
    model.set_hits([_hit(library, "test.pack/late-gift")])
    assert model.index(0).data(Role.PACK) == "test.pack"


def test_preview_skips_salutation_and_collapses_whitespace(library: Library) -> None:
    model = ResultModel(library)
    model.set_hits([_hit(library, "test.pack/late-gift")])
    preview = model.index(0).data(Role.PREVIEW)
    assert preview.startswith("I know a birthday present")
    assert "\n" not in preview
    assert "  " not in preview


def test_title_and_body_spans_are_mapped_to_the_row(library: Library) -> None:
    template = library.get("test.pack/late-gift")
    body = template.body
    start = body.index("birthday")
    hit = Hit(template, 2.0, (Span("title", 5, 13), Span("body", start, start + 8)))
    model = ResultModel(library)
    model.set_hits([hit])
    index = model.index(0)
    assert index.data(Role.TITLE_SPANS) == [(5, 13)]
    preview = index.data(Role.PREVIEW)
    [(s, e)] = index.data(Role.PREVIEW_SPANS)
    assert preview[s:e] == "birthday"


def test_body_spans_refer_to_the_searched_channel(library: Library) -> None:
    template = library.get("test.pack/late-gift")
    chat = template.body_for("chat")
    start = chat.index("late")
    model = ResultModel(library)
    model.set_hits([Hit(template, 1.0, (Span("body", start, start + 4),))], channel="chat")
    index = model.index(0)
    assert index.data(Role.PREVIEW).startswith("Oh no")
    [(s, e)] = index.data(Role.PREVIEW_SPANS)
    assert index.data(Role.PREVIEW)[s:e] == "late"
    assert model.channel == "chat"


def test_set_hits_resets_and_out_of_range_rows_are_none(library: Library) -> None:
    model = ResultModel(library)
    model.set_hits([_hit(library, "test.pack/refund")])
    model.set_hits([])
    assert model.rowCount() == 0
    assert model.template(0) is None
    assert model.row(-1) is None


def test_model_passes_qt_model_checks(library: Library, qtmodeltester: ModelTester) -> None:
    model = ResultModel(library)
    model.set_favourites({"test.pack/thanks"})
    model.set_hits([_hit(library, "test.pack/late-gift"), _hit(library, "test.pack/thanks")])
    qtmodeltester.check(model)


def test_favourite_role_follows_the_favourites_and_says_which_rows_changed(
    library: Library,
) -> None:
    model = ResultModel(library)
    ids = ["test.pack/late-gift", "test.pack/thanks", "test.pack/refund"]
    model.set_hits([_hit(library, i) for i in ids])
    assert [model.index(r).data(Role.FAVOURITE) for r in range(3)] == [False, False, False]
    changed: list[tuple[int, int, list[int]]] = []
    model.dataChanged.connect(lambda a, b, roles: changed.append((a.row(), b.row(), list(roles))))
    model.set_favourites({"test.pack/thanks", "gone.pack/x"})
    assert [model.index(r).data(Role.FAVOURITE) for r in range(3)] == [False, True, False]
    assert [model.is_favourite(r) for r in range(4)] == [False, True, False, False]
    assert changed == [(1, 1, [int(Role.FAVOURITE)])]
    changed.clear()
    model.set_favourites({"test.pack/refund", "gone.pack/x"})
    assert sorted(changed) == [(1, 1, [int(Role.FAVOURITE)]), (2, 2, [int(Role.FAVOURITE)])]
    changed.clear()
    model.set_favourites({"gone.pack/x", "test.pack/refund"})  # the same set: nothing to repaint
    assert changed == []
    # new hits keep the favourites
    model.set_hits([_hit(library, "test.pack/refund")])
    assert model.index(0).data(Role.FAVOURITE) is True
    assert model.row_of("test.pack/refund") == 0
    assert model.row_of("test.pack/thanks") == -1


def test_far_match_moves_preview_start_behind_an_ellipsis() -> None:
    body = "Hello,\n\n" + "filler " * 40 + "parcel late."
    start = body.index("parcel")
    preview = one_line_preview(body, [(start, start + 6)], limit=80)
    assert preview.text.startswith("…")
    [(s, e)] = preview.spans
    assert preview.text[s:e] == "parcel"
    assert len(preview.text) <= 80


def test_long_preview_is_cut_and_spans_beyond_it_are_dropped() -> None:
    body = "word " * 100 + "refund"
    start = body.index("refund")
    near = body.index("word")
    preview = one_line_preview(body, [(near, near + 4)], limit=50)
    assert len(preview.text) == 50
    assert preview.text.endswith("…")
    assert preview.spans == ((0, 4),)
    # a match that is far in becomes visible instead of being cut off
    far = one_line_preview(body, [(start, start + 6)], limit=50)
    assert any(far.text[s:e] == "refund" for s, e in far.spans)


def test_match_in_the_salutation_keeps_it() -> None:
    body = "Hi Maria,\n\nYour refund is on its way."
    preview = one_line_preview(body, [(3, 8)])
    assert preview.text.startswith("Hi Maria,")
    assert preview.spans == ((3, 8),)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abcdefgh,.", min_size=1, max_size=9), min_size=1, max_size=80),
    gaps=st.lists(st.sampled_from([" ", "  ", "\n", "\n\n", " \t "]), min_size=80, max_size=80),
    picks=st.lists(st.integers(min_value=0, max_value=79), max_size=4),
)
def test_mapped_spans_cover_the_same_words(
    words: list[str], gaps: list[str], picks: list[int]
) -> None:
    body = ""
    offsets: list[tuple[int, int]] = []
    for word, gap in zip(words, gaps, strict=False):
        offsets.append((len(body), len(body) + len(word)))
        body += word + gap
    spans = [offsets[p] for p in picks if p < len(offsets)]
    preview = one_line_preview(body, spans, limit=120)
    assert len(preview.text) <= 120
    assert "\n" not in preview.text
    expected = {body[s:e] for s, e in spans}
    for s, e in preview.spans:
        shown = preview.text[s:e]
        assert any(word.startswith(shown) for word in expected), (shown, expected)
