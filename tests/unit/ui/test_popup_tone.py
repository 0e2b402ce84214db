"""The popup's preview runs the tone check on the reply as it would be pasted."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tactful.core.library import Library
from tactful.core.model import Pack, Template, ToneRule
from tactful.core.settings import Settings
from tactful.core.tone import Finding, check_tone
from tactful.ui.findings import CheckFunction
from tactful.ui.popup import Popup
from tactful.ui.reply_text import MARK_PAD

from .conftest import Desk

WAIT = "Sorry for the wait, {customer_name}. Your parcel arrives {arrival}; I'll email you then."
CLEAN = "Thank you for waiting. I've refunded order {order_id} today and emailed you the receipt."
CLOSING = "I've refunded it today. {closing|Sorry for the wait!}"
TEMPLATES = (
    Template(id="wait", title="Parcel on its way", situation="s", body=WAIT, keywords=("parcel",)),
    Template(id="clean", title="Refund done", situation="s", body=CLEAN, keywords=("refund",)),
    Template(id="closing", title="Closing words", situation="s", body=CLOSING, keywords=("bye",)),
)
RULE = ToneRule(id="acme.ticket", phrases=("ticket",), message="Say request.", suggestion="request")


class Recorder:
    """check_tone, remembering each text it was asked about."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def __call__(self, text: str, rules: Sequence[ToneRule]) -> list[Finding]:
        self.texts.append(text)
        return check_tone(text, rules)


def library(*templates: Template, rules: Sequence[ToneRule] = ()) -> Library:
    return Library(
        [Pack(id="p", name="P", version="1", templates=templates, tone_rules=tuple(rules))]
    )


def make(qtbot: QtBot, desk: Desk, lib: Library, check: CheckFunction | None) -> Popup:
    popup = Popup(
        lib,
        Settings(agent_name="Sam"),
        paster=desk.paster,
        windows=desk.windows,
        memory=desk.memory,
        check=check,
    )
    qtbot.addWidget(popup)
    popup.summon()
    qtbot.waitExposed(popup)
    return popup


def test_selected_reply_shows_its_tone_notes(qtbot: QtBot, desk: Desk) -> None:
    popup = make(qtbot, desk, library(*TEMPLATES), check_tone)
    QTest.keyClicks(popup.search_field, "parcel")
    assert popup.preview.title.text() == "Parcel on its way"
    assert popup.preview.marked_words() == ["Sorry for the wait"]
    line = popup.preview.tone_notes
    assert line.isVisible()
    assert line.text() == "Tone check: 1 note · “Sorry for the wait”"
    assert "Thank you for waiting" in line.toolTip()
    popup.search_field.setText("refund")
    assert popup.preview.title.text() == "Refund done"
    assert popup.preview.marked_words() == []
    assert not line.isVisible()


def test_missing_values_are_not_notes_but_typed_ones_are(qtbot: QtBot, desk: Desk) -> None:
    check = Recorder()
    popup = make(qtbot, desk, library(*TEMPLATES), check)
    QTest.keyClicks(popup.search_field, "parcel")
    raw = check_tone(WAIT)  # the template as written: its braces read as unfilled placeholders
    assert any(WAIT[f.start : f.end].startswith("{") for f in raw)
    assert "{" not in check.texts[-1]
    assert popup.preview.marked_words() == ["Sorry for the wait"]
    QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    assert popup.fillin_open
    QTest.keyClicks(popup.fillin.edit("arrival"), "hopefully on Friday")
    assert check.texts[-1] == (
        "Sorry for the wait, Customer name. Your parcel arrives hopefully on Friday; "
        "I'll email you then."
    )
    assert popup.preview.marked_words() == ["Sorry for the wait", "hopefully"]
    assert popup.preview.tone_notes.text().startswith("Tone check: 1 warning, 1 note")
    QTest.keyClick(popup.fillin.edit("arrival"), Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(popup.fillin.edit("arrival"), "on Friday")
    assert popup.preview.marked_words() == ["Sorry for the wait"]


def test_a_fallback_that_would_be_pasted_is_checked(qtbot: QtBot, desk: Desk) -> None:
    popup = make(qtbot, desk, library(*TEMPLATES), check_tone)
    QTest.keyClicks(popup.search_field, "bye")
    assert [f.rule for f in popup.preview.notes] == ["sorry-for-wait"]
    label = f"{MARK_PAD}Closing{MARK_PAD}"
    assert popup.preview.marked_words() == [label]  # the words live in the fallback
    start = popup.preview.body.toPlainText().index(label)
    assert popup.preview.note_at(start + 2) == popup.preview.notes[0]
    assert popup.preview.note_at(0) is None


def test_only_the_selected_reply_is_checked(qtbot: QtBot, desk: Desk) -> None:
    check = Recorder()
    popup = make(qtbot, desk, library(*TEMPLATES), check)
    popup.search_field.setText("parcel refund bye")
    assert popup.model.rowCount() == 3
    assert len(check.texts) == 1
    first = check.texts[0]
    popup.move_selection(1)
    assert len(check.texts) == 2
    assert check.texts[1] != first
    popup.move_selection(-1)  # the same text again: remembered, not checked again
    assert len(check.texts) == 2


def test_team_rules_of_the_library_are_used(qtbot: QtBot, desk: Desk) -> None:
    ticket = Template(
        id="t", title="Ticket closed", situation="s", keywords=("ticket",),
        body="Thank you for waiting. I've closed your ticket today and emailed you.",
    )  # fmt: skip
    popup = make(qtbot, desk, library(ticket, rules=(RULE,)), check_tone)
    QTest.keyClicks(popup.search_field, "ticket")
    assert [f.rule for f in popup.preview.notes] == ["acme.ticket"]
    popup.set_library(library(ticket))
    assert popup.preview.notes == []


def test_no_check_no_notes(qtbot: QtBot, desk: Desk) -> None:
    popup = make(qtbot, desk, library(*TEMPLATES), None)
    QTest.keyClicks(popup.search_field, "parcel")
    assert popup.preview.notes == []
    assert not popup.preview.tone_notes.isVisible()
