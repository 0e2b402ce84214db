"""The "Check a draft" window: highlights while typing, tooltips, one-click Replace."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette, QTextCharFormat, QTextCursor
from pytestqt.qtbot import QtBot

from tactful.core.model import ToneRule
from tactful.core.tone import Finding, check_tone
from tactful.ui.checker import CheckerWindow
from tactful.ui.findings import Utf16Map, highlight_colors
from tactful.ui.theme import dark_palette

DRAFT = (
    "Hi, sorry for any inconvenience. As I said, you should have checked the size chart "
    "before ordering. Hopefully the replacement is with you soon!!! Sorry for the wait."
)


def make(qtbot: QtBot, rules: Sequence[ToneRule] = ()) -> CheckerWindow:
    window = CheckerWindow(check_tone, rules, debounce_ms=10)
    qtbot.addWidget(window)
    window.show()
    return window


def highlighted(window: CheckerWindow) -> list[str]:
    return [s.cursor.selectedText() for s in window.editor.extraSelections()]


def test_typing_produces_highlights(qtbot: QtBot) -> None:
    window = make(qtbot)
    assert highlighted(window) == []
    qtbot.keyClicks(window.editor, "Calm down, as I said.")
    qtbot.waitUntil(lambda: len(highlighted(window)) == 2)
    assert highlighted(window) == ["Calm down", "as I said"]
    assert "2 warnings" in window.summary.text()


def test_warning_and_info_look_different(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("Sorry for the wait. You should have read the FAQ.")
    selections = window.editor.extraSelections()
    formats = {s.cursor.selectedText(): QTextCharFormat(s.format) for s in selections}
    info = formats["Sorry for the wait"]
    warning = formats["You should have read"]
    assert info.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    assert warning.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert info.background().color() != warning.background().color()


def test_colours_change_with_the_palette() -> None:
    light = highlight_colors(QPalette())
    dark = highlight_colors(dark_palette())
    assert light["warning"][1] != dark["warning"][1]
    for colors in (light, dark):
        for background, _ in colors.values():
            assert background.alpha() < 128  # text shows through


def test_replace_changes_exactly_the_span_and_can_be_undone(qtbot: QtBot) -> None:
    window = make(qtbot)
    original = "Hi Jo. Sorry for the wait! I've refunded it."
    window.set_text(original)
    buttons = window.replace_buttons()
    assert len(buttons) == 1
    qtbot.mouseClick(buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.text() != original)
    assert window.text() == "Hi Jo. Thank you for waiting! I've refunded it."
    assert [f.rule for f in window.findings()] == []
    window.editor.undo()
    assert window.text() == original


def test_replace_with_emoji_before_the_span(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("\U0001f600\U0001f600 It is simply done, I've sent it.")
    (finding,) = [f for f in window.findings() if f.rule == "condescending"]
    assert window.replace(finding)
    assert window.text() == "\U0001f600\U0001f600 It is done, I've sent it."


def test_highlight_lands_on_the_words_after_emoji(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("\U0001f620 calm down")
    assert highlighted(window) == ["calm down"]


def test_stale_finding_is_not_applied(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("Sorry for the wait.")
    (finding,) = [f for f in window.findings() if f.rule == "sorry-for-wait"]
    window.editor.moveCursor(QTextCursor.MoveOperation.Start)
    window.editor.insertPlainText("Hello. ")
    assert not window.replace(finding)
    assert window.text() == "Hello. Sorry for the wait."


def test_finding_without_replacement_has_no_button(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("Calm down.")
    assert window.list.count() == 1
    assert window.replace_buttons() == []
    assert not window.replace(window.findings()[0])


def test_tooltip_names_the_rule_and_the_better_phrasing(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("OK. You should have read the guide.")
    tip = window.tooltip_at(10)
    assert tip is not None
    assert "blame" in tip
    assert "Better:" in tip
    assert window.tooltip_at(0) is None


def test_tooltip_from_a_point_over_the_words(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("Please calm down now.")
    cursor = QTextCursor(window.editor.document())
    cursor.setPosition(9)
    point = window.editor.cursorRect(cursor).center()
    tip = window._tooltip_for_point(point)
    assert tip is not None
    assert "dismissive" in tip


def test_team_rules_are_passed_to_the_check(qtbot: QtBot) -> None:
    seen: list[tuple[ToneRule, ...]] = []

    def check(text: str, rules: Sequence[ToneRule]) -> list[Finding]:
        seen.append(tuple(rules))
        return check_tone(text, rules)

    rule = ToneRule(
        id="acme.ticket", phrases=("ticket",), message="Say request.", suggestion="request"
    )
    window = CheckerWindow(check, (rule,), debounce_ms=10)
    qtbot.addWidget(window)
    window.set_text("Your ticket is open.")
    assert seen[-1] == (rule,)
    assert [f.rule for f in window.findings()] == ["acme.ticket"]
    window.set_extra_rules(())
    assert window.findings() == []


def test_clicking_a_row_selects_the_words(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("Fine. Hopefully soon.")
    window.list.setCurrentRow(0)
    assert window.editor.textCursor().selectedText() == "Hopefully"


def test_many_findings_are_capped_in_the_list(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("Calm down. " * 250)
    assert len(window.findings()) == 250
    assert window.list.count() == 201
    assert "50 more" in window.list.item(200).text()


def test_empty_draft(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("")
    assert window.summary.text() == "Nothing to check yet."
    window.set_text("I've refunded your order today.")
    assert window.summary.text() == "Nothing reads as cold, blaming or evasive."


def test_utf16_map_round_trips() -> None:
    text = "a\U0001f600b\U0001f600\U0001f600c"
    mapping = Utf16Map(text)
    for i in range(len(text) + 1):
        assert mapping.from_qt(mapping.to_qt(i)) == i
    assert mapping.to_qt(2) == 3
    assert mapping.to_qt(len(text)) == len(text.encode("utf-16-le")) // 2


def test_replace_button_is_visible_whole_and_says_what_it_does(qtbot: QtBot) -> None:
    window = make(qtbot)
    qtbot.waitExposed(window)
    window.set_text("Hi Jo. Sorry for the wait! I've refunded it.")
    (button,) = window.replace_buttons()
    qtbot.waitUntil(button.isVisible)
    assert button.text() == "Replace with “Thank you for waiting”"
    viewport = window.list.viewport()
    assert viewport.rect().contains(button.geometry().translated(button.parentWidget().pos()))
    assert button.visibleRegion().boundingRect() == button.rect()  # nothing covers or cuts it


def rows_in_view_fit(window: CheckerWindow) -> bool:
    """Whether every row in view is as tall as its wrapped text needs."""
    for row in window.rows():
        if not row.isVisible():
            continue
        if row.height() < row.heightForWidth(row.width()):
            return False
        labels = (row.words, row.message, row.better)
        if any(lb.height() < lb.heightForWidth(lb.width()) for lb in labels if lb.isVisible()):
            return False
    return True


def test_rows_are_tall_enough_for_their_wrapped_text(qtbot: QtBot) -> None:
    window = make(qtbot)
    qtbot.waitExposed(window)
    window.set_text(DRAFT)
    rows = window.rows()
    assert len(rows) >= 5
    qtbot.waitUntil(lambda: rows_in_view_fit(window))
    window.list.scrollToBottom()
    qtbot.waitUntil(lambda: rows[-1].isVisible() and rows_in_view_fit(window))
    window.resize(420, window.height())  # narrower: the text wraps more and rows grow
    qtbot.waitUntil(lambda: rows[-1].width() < 420 and rows_in_view_fit(window))
    assert rows[-1].height() > rows[-1].heightForWidth(800)


def test_rows_follow_the_list_order_of_the_text(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text(DRAFT)
    starts = [row.finding.start for row in window.rows()]
    assert starts == sorted(starts)
    assert [f.start for f in window.findings()] == starts


def test_severity_colours_follow_the_theme(qtbot: QtBot) -> None:
    window = make(qtbot)
    window.set_text("Calm down, I've sent it today.")
    (row,) = window.rows()
    light = row.severity.styleSheet()
    window.setPalette(dark_palette())
    (row,) = window.rows()
    assert row.severity.styleSheet() != light
    assert row.severity.text() == "Warning"
