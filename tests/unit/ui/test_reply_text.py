"""The reply as it would be pasted: pieces, the preview's text and the mapping between them."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tactful.core.placeholders import missing, render
from tactful.core.tone import Finding
from tactful.ui.fillin import label_for
from tactful.ui.reply_text import MARK_PAD, PieceKind, pasted_reply

BODY = "Hi {customer_name|there},\n\nOrder {order_id} ships {when}.\n\n{agent_signature}\n"


def finding(start: int, end: int) -> Finding:
    return Finding("rule", "warning", start, end, "why", "better")


def test_values_fallbacks_and_missing_names() -> None:
    reply = pasted_reply(BODY, {"order_id": "A-1", "agent_signature": "Sam"})
    assert reply.text == "Hi there,\n\nOrder A-1 ships When.\n\nSam"
    kinds = [(p.kind, p.name) for p in reply.pieces if p.name]
    assert kinds == [
        (PieceKind.FALLBACK, "customer_name"),
        (PieceKind.VALUE, "order_id"),
        (PieceKind.MISSING, "when"),
        (PieceKind.VALUE, "agent_signature"),
    ]
    pad = MARK_PAD
    assert reply.shown == (f"Hi {pad}Customer name{pad},\n\nOrder A-1 ships {pad}When{pad}.\n\nSam")


def test_literal_spans_map_one_to_one() -> None:
    reply = pasted_reply(BODY, {"order_id": "A-1"})
    start = reply.text.index("ships")
    shown_start, shown_end = reply.shown_span(start, start + len("ships"))
    assert reply.shown[shown_start:shown_end] == "ships"
    value = reply.text.index("A-1")
    assert reply.shown[slice(*reply.shown_span(value, value + 3))] == "A-1"


def test_a_span_in_a_fallback_widens_to_its_label() -> None:
    reply = pasted_reply("Thanks. {closing|Sorry for the wait!} Bye.", {})
    start = reply.text.index("Sorry for the wait")
    shown = reply.shown[slice(*reply.shown_span(start, start + len("Sorry for the wait")))]
    assert shown == f"{MARK_PAD}Closing{MARK_PAD}"
    across = reply.shown[slice(*reply.shown_span(0, len(reply.text)))]
    assert across == reply.shown


def test_findings_only_about_a_stand_in_are_not_pasted() -> None:
    reply = pasted_reply("Dear {name}, it ships today.", {})
    label = reply.text.index("Name")
    inside = finding(label, label + 4)
    sentence = finding(0, len(reply.text))  # e.g. a long sentence holding the label
    literal = finding(reply.text.index("ships"), reply.text.index("ships") + 5)
    assert reply.pasted([inside, sentence, literal]) == [sentence, literal]


def test_fallback_text_is_checked_as_pasted() -> None:
    reply = pasted_reply("{closing|Sorry for the wait}", {})
    whole = finding(0, len(reply.text))
    assert reply.text == "Sorry for the wait"
    assert reply.pasted([whole]) == [whole]


def test_malformed_body_is_shown_as_it_is() -> None:
    reply = pasted_reply("Order {order id} is late", {})
    assert reply.malformed
    assert reply.text == reply.shown == "Order {order id} is late"


def test_newlines_around_the_reply_are_dropped_like_when_pasting() -> None:
    values = {"greeting": "\n\nHi,\n", "sign": "\nSam\n\n"}
    reply = pasted_reply("\n{greeting}Thanks!{sign}\n", values)
    assert reply.text == "Hi,\nThanks!\nSam"
    for piece in reply.pieces:
        assert reply.text[piece.start : piece.end] == piece.pasted
        shown = reply.shown[piece.shown_start : piece.shown_start + len(piece.shown)]
        assert shown == piece.shown
        if not piece.marked:
            assert piece.shown == piece.pasted


NAMES = ("customer_name", "order_id", "when")
literal = st.text(alphabet=st.sampled_from("ab .,\n!é😀"), max_size=6)
placeholder = st.tuples(st.sampled_from(NAMES), st.none() | literal).map(
    lambda p: "{" + p[0] + ("" if p[1] is None else "|" + p[1]) + "}"
)
bodies = st.lists(literal | placeholder, max_size=8).map("".join)
values = st.dictionaries(st.sampled_from(NAMES), literal, max_size=3)


@given(bodies, values)
def test_checked_text_is_what_render_pastes(body: str, given_values: dict[str, str]) -> None:
    reply = pasted_reply(body, given_values)
    stand_ins = {name: label_for(name) for name in missing(body, given_values)}
    assert reply.text == render(body, {**given_values, **stand_ins}).strip("\n")
    assert reply.shown == "".join(p.shown for p in reply.pieces)
    for piece in reply.pieces:
        assert reply.text[piece.start : piece.end] == piece.pasted
        if piece.kind in (PieceKind.TEXT, PieceKind.VALUE):
            start, end = reply.shown_span(piece.start, piece.end)
            assert reply.shown[start:end] == piece.pasted
