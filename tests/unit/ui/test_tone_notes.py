"""Tone notes on the reply about to be pasted: checking, remembering, the compact line."""

from __future__ import annotations

from collections.abc import Sequence

from pytestqt.qtbot import QtBot

from tactful.core.model import ToneRule
from tactful.core.tone import Finding, check_tone
from tactful.ui.reply_text import pasted_reply
from tactful.ui.tone_notes import ToneNotes, ToneNotesLine, details_html, summary


class CountingCheck:
    """check_tone, recording every text and rule set it was given."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[ToneRule, ...]]] = []

    def __call__(self, text: str, rules: Sequence[ToneRule]) -> list[Finding]:
        self.calls.append((text, tuple(rules)))
        return check_tone(text, rules)


RULE = ToneRule(id="acme.ticket", phrases=("ticket",), message="Say request.", suggestion="request")


def test_same_text_is_checked_once() -> None:
    check = CountingCheck()
    notes = ToneNotes(check, (RULE,))
    reply = pasted_reply("Sorry for the wait. I've refunded your ticket today.", {})
    first = notes.notes_for(reply)
    assert [f.rule for f in first] == ["sorry-for-wait", "acme.ticket"]
    assert notes.notes_for(reply) == first
    assert check.calls == [(reply.text, (RULE,))]


def test_new_rules_forget_old_answers() -> None:
    check = CountingCheck()
    notes = ToneNotes(check, (RULE,))
    reply = pasted_reply("Thank you for waiting. I've closed your ticket today.", {})
    assert [f.rule for f in notes.notes_for(reply)] == ["acme.ticket"]
    notes.set_rules(())
    assert notes.notes_for(reply) == []
    assert len(check.calls) == 2


def test_stand_ins_for_missing_values_are_not_reported() -> None:
    check = CountingCheck()
    reply = pasted_reply("Your {ticket} is done; I've refunded it today.", {})
    assert [f.rule for f in check_tone(reply.text, (RULE,))] == ["acme.ticket"]
    assert ToneNotes(check, (RULE,)).notes_for(reply) == []


def test_without_a_check_nothing_is_found() -> None:
    notes = ToneNotes(None)
    assert not notes.enabled
    assert notes.notes_for(pasted_reply("Calm down.", {})) == []


def words_found(text: str, *words: str, severity: str = "warning") -> list[Finding]:
    return [
        Finding("rule", severity, text.index(w), text.index(w) + len(w), "why", "") for w in words
    ]


def test_summary_counts_and_quotes_the_words() -> None:
    text = "Sorry for the wait! Calm down, as I said. Obviously, simply do it."
    notes = words_found(text, "Calm down", "as I said", "Obviously", "simply")
    notes += words_found(text, "Sorry for the wait", severity="info")
    line = summary(notes, text)
    assert line == (
        "Tone check: 4 warnings, 1 note · “Calm down” · “as I said” · “Obviously” · 2 more"
    )
    one = words_found(text, "Sorry for the wait", severity="info")
    assert summary(one, text) == "Tone check: 1 note · “Sorry for the wait”"
    again = words_found(text, "simply") + words_found(text, "simply", severity="info")
    assert summary(again, text) == "Tone check: 1 warning, 1 note · “simply”"


def test_details_are_escaped() -> None:
    finding = Finding("team", "warning", 0, 7, "Never say <b>.", "Say & mean it")
    html = details_html([finding], "<b>oops")
    assert "&lt;b&gt;oops" in html
    assert "Never say &lt;b&gt;." in html
    assert "Say &amp; mean it" in html


def test_line_hides_when_clean(qtbot: QtBot) -> None:
    line = ToneNotesLine()
    qtbot.addWidget(line)
    text = "Sorry for the wait! I've refunded it today."
    line.show_notes(check_tone(text), text)
    assert not line.isHidden()
    assert line.text() == "Tone check: 1 note · “Sorry for the wait”"
    assert "Thank you for waiting" in line.toolTip()
    line.show_notes([], text)
    assert line.isHidden()
    assert line.toolTip() == ""
