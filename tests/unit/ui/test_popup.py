from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from tactful.core.library import Library
from tactful.core.settings import Settings
from tactful.ui.mood import CustomerMood
from tactful.ui.popup import Popup

from .conftest import HELPDESK, Desk

MakePopup = Callable[..., Popup]

REFUND_TEXT = "I've sent your refund today; it reaches your card within five days."


def _open(qtbot: QtBot, popup: Popup, query: str) -> None:
    popup.summon()
    qtbot.waitExposed(popup)
    QTest.keyClicks(popup.search_field, query)


def _titles(popup: Popup) -> list[str]:
    return [popup.model.template(r).title for r in range(popup.model.rowCount())]  # type: ignore[union-attr]


def test_summon_remembers_the_agents_window_and_focuses_the_field(
    qtbot: QtBot, make_popup: MakePopup, desk: Desk
) -> None:
    popup = make_popup()
    assert not popup.isVisible()
    popup.summon()
    qtbot.waitExposed(popup)
    assert popup.target == HELPDESK
    assert popup.isVisible()
    qtbot.waitUntil(lambda: popup.search_field.hasFocus())
    flags = popup.windowFlags()
    assert flags & Qt.WindowType.FramelessWindowHint
    assert flags & Qt.WindowType.WindowStaysOnTopHint
    assert popup.windowType() == Qt.WindowType.Tool  # not Qt.Popup: it must keep the focus


def test_popup_is_centred_on_the_screen(qtbot: QtBot, make_popup: MakePopup) -> None:
    popup = make_popup()
    popup.summon()
    qtbot.waitExposed(popup)
    screen = popup.screen().availableGeometry()
    assert screen.contains(popup.geometry())
    assert abs(popup.geometry().center().x() - screen.center().x()) <= 1
    assert abs(popup.geometry().center().y() - screen.center().y()) <= 1


def test_every_keystroke_updates_the_results(qtbot: QtBot, make_popup: MakePopup) -> None:
    popup = make_popup()
    _open(qtbot, popup, "refund")
    assert _titles(popup)[0] == "Refund sent today"
    QTest.keyClick(popup.search_field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    QTest.keyClicks(popup.search_field, "birthday")
    assert _titles(popup)[0] == "Late birthday gift: name the occasion"
    assert popup.current_row() == 0
    assert popup.preview.title.text() == "Late birthday gift: name the occasion"


def test_no_match_says_so(qtbot: QtBot, make_popup: MakePopup) -> None:
    popup = make_popup()
    _open(qtbot, popup, "xylophonequartz")
    assert popup.model.rowCount() == 0
    assert "No reply matches" in popup.empty_label.text()


def test_up_and_down_move_the_selection(qtbot: QtBot, make_popup: MakePopup) -> None:
    popup = make_popup()
    _open(qtbot, popup, "birthday waiting refund")
    rows = popup.model.rowCount()
    assert rows >= 2
    QTest.keyClick(popup.search_field, Qt.Key.Key_Down)
    assert popup.current_row() == 1
    for _ in range(rows + 2):
        QTest.keyClick(popup.search_field, Qt.Key.Key_Down)
    assert popup.current_row() == rows - 1
    QTest.keyClick(popup.search_field, Qt.Key.Key_Up)
    assert popup.current_row() == rows - 2
    assert popup.preview.title.text() == _titles(popup)[rows - 2]


def test_enter_pastes_into_the_remembered_window_and_restores_the_clipboard(
    qtbot: QtBot, make_popup: MakePopup, desk: Desk
) -> None:
    popup = make_popup()
    chosen: list[tuple[str, str]] = []
    popup.chosen.connect(lambda full_id, kind: chosen.append((full_id, kind)))
    _open(qtbot, popup, "refund")
    desk.windows.active = None  # whatever has the focus now, the reply goes to the helpdesk
    with qtbot.waitSignal(desk.paster.finished, timeout=2000) as finished:
        QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
        assert not popup.isVisible()
    assert desk.clipboard.writes == [REFUND_TEXT]
    assert desk.windows.activations[-1] == HELPDESK
    assert desk.sender.sent == ["ctrl+v"]
    assert finished.args[0].pasted
    assert finished.args[0].restored
    assert desk.clipboard.snapshot().text() == "what the agent copied"
    assert chosen == [("test.pack/refund", "paste")]


def test_ctrl_enter_only_copies(qtbot: QtBot, make_popup: MakePopup, desk: Desk) -> None:
    popup = make_popup()
    chosen: list[tuple[str, str]] = []
    popup.chosen.connect(lambda full_id, kind: chosen.append((full_id, kind)))
    _open(qtbot, popup, "refund")
    with qtbot.waitSignal(desk.paster.finished, timeout=2000) as finished:
        QTest.keyClick(popup.search_field, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert desk.sender.sent == []
    assert desk.clipboard.snapshot().text() == REFUND_TEXT
    assert finished.args[0].copied
    assert not finished.args[0].pasted
    assert chosen == [("test.pack/refund", "copy")]


def test_copy_setting_never_sends_keys(qtbot: QtBot, make_popup: MakePopup, desk: Desk) -> None:
    popup = make_popup(Settings(paste_method="copy"))
    _open(qtbot, popup, "refund")
    with qtbot.waitSignal(desk.paster.finished, timeout=2000):
        QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    assert desk.sender.sent == []
    assert desk.clipboard.snapshot().text() == REFUND_TEXT


def test_ctrl_number_picks_that_row(qtbot: QtBot, make_popup: MakePopup, desk: Desk) -> None:
    popup = make_popup()
    _open(qtbot, popup, "birthday waiting refund")
    titles = _titles(popup)
    assert "Thank them for waiting" in titles
    row = titles.index("Thank them for waiting")
    with qtbot.waitSignal(desk.paster.finished, timeout=2000):
        QTest.keyClick(
            popup.search_field, Qt.Key(Qt.Key.Key_1 + row), Qt.KeyboardModifier.ControlModifier
        )
    assert desk.clipboard.writes == [
        "Thank you for waiting while I checked your parcel. It arrives tomorrow."
    ]


def test_ctrl_number_beyond_the_list_does_nothing(
    qtbot: QtBot, make_popup: MakePopup, desk: Desk
) -> None:
    popup = make_popup()
    _open(qtbot, popup, "refund")
    QTest.keyClick(popup.search_field, Qt.Key.Key_9, Qt.KeyboardModifier.ControlModifier)
    assert desk.clipboard.writes == []
    assert popup.isVisible()


def test_tab_cycles_the_channel_variant(qtbot: QtBot, make_popup: MakePopup, desk: Desk) -> None:
    popup = make_popup()
    _open(qtbot, popup, "waiting")
    assert _titles(popup)[0] == "Thank them for waiting"
    assert popup.preview.channels == ["default", "chat", "email"]
    assert popup.channel is None
    QTest.keyClick(popup.search_field, Qt.Key.Key_Tab)
    assert popup.channel == "chat"
    assert popup.preview.variants.currentIndex() == 1
    assert "Thanks for waiting!" in popup.preview.body.toPlainText()
    assert popup.focusWidget() is popup.search_field  # Tab did not move the focus
    QTest.keyClick(popup.search_field, Qt.Key.Key_Tab)
    QTest.keyClick(popup.search_field, Qt.Key.Key_Tab)
    assert popup.channel is None
    QTest.keyClick(popup.search_field, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    assert popup.channel == "email"
    with qtbot.waitSignal(desk.paster.finished, timeout=2000):
        QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    assert desk.clipboard.writes == ["Dear customer, thank you."]


def test_default_channel_setting_picks_the_variant_first(
    qtbot: QtBot, make_popup: MakePopup
) -> None:
    popup = make_popup(Settings(default_channel="chat"))
    _open(qtbot, popup, "waiting")
    assert popup.channel == "chat"


def test_esc_hides(qtbot: QtBot, make_popup: MakePopup, desk: Desk) -> None:
    popup = make_popup()
    _open(qtbot, popup, "refund")
    QTest.keyClick(popup.search_field, Qt.Key.Key_Escape)
    assert not popup.isVisible()
    assert desk.clipboard.writes == []


def test_fillin_asks_for_missing_values_and_pastes_them(
    qtbot: QtBot, make_popup: MakePopup, desk: Desk
) -> None:
    popup = make_popup()
    _open(qtbot, popup, "birthday")
    QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    assert popup.fillin_open
    assert popup.isVisible()
    # agent_signature comes from the settings (the agent's name), so it is not asked
    assert popup.fillin.names == ["customer_name", "order_id"]
    assert popup.focusWidget() is popup.fillin.edit("customer_name")
    QTest.keyClicks(popup.fillin.edit("customer_name"), "Maria")
    QTest.keyClicks(popup.fillin.edit("order_id"), "A-1001")
    assert "A-1001" in popup.preview.body.toPlainText()  # the preview follows the typing
    with qtbot.waitSignal(desk.paster.finished, timeout=2000):
        QTest.keyClick(popup.fillin.edit("order_id"), Qt.Key.Key_Return)
    text = desk.clipboard.writes[-1]
    assert text.startswith("Hi Maria,")
    assert "Order A-1001 now ships express." in text
    assert text.endswith("Sam")
    assert desk.sender.sent == ["ctrl+v"]
    assert not popup.fillin_open


def test_values_typed_are_offered_again(qtbot: QtBot, make_popup: MakePopup, desk: Desk) -> None:
    popup = make_popup()
    _open(qtbot, popup, "birthday")
    QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    QTest.keyClicks(popup.fillin.edit("order_id"), "A-1001")
    with qtbot.waitSignal(desk.paster.finished, timeout=2000):
        QTest.keyClick(popup.fillin.edit("order_id"), Qt.Key.Key_Return)
    assert desk.clipboard.writes[-1].startswith("Hi there,")  # empty name: its fallback
    assert desk.memory.get("order_id") == "A-1001"
    popup.summon()
    QTest.keyClick(popup.search_field, Qt.Key.Key_Tab)  # the chat variant needs only order_id
    QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    assert popup.fillin.names == ["order_id"]
    assert popup.fillin.edit("order_id").text() == "A-1001"


def test_fillin_refuses_an_empty_required_value(
    qtbot: QtBot, make_popup: MakePopup, desk: Desk
) -> None:
    popup = make_popup()
    _open(qtbot, popup, "birthday")
    QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    QTest.keyClick(popup.fillin.edit("customer_name"), Qt.Key.Key_Return)
    assert popup.fillin_open
    assert desk.clipboard.writes == []
    assert "Order ID" in popup.fillin.findChild(QWidget, "fillinError").text()  # type: ignore[union-attr]


def test_esc_in_the_fillin_goes_back_to_the_results(
    qtbot: QtBot, make_popup: MakePopup, desk: Desk
) -> None:
    popup = make_popup()
    _open(qtbot, popup, "birthday")
    QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    QTest.keyClick(popup.fillin.edit("customer_name"), Qt.Key.Key_Escape)
    assert not popup.fillin_open
    assert popup.isVisible()
    assert popup.model.rowCount() > 0


def test_fillin_with_ctrl_enter_copies(qtbot: QtBot, make_popup: MakePopup, desk: Desk) -> None:
    popup = make_popup()
    _open(qtbot, popup, "birthday")
    QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    QTest.keyClicks(popup.fillin.edit("order_id"), "B-2")
    with qtbot.waitSignal(desk.paster.finished, timeout=2000):
        QTest.keyClick(
            popup.fillin.edit("order_id"), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
        )
    assert desk.sender.sent == []
    assert "B-2" in (desk.clipboard.snapshot().text() or "")


def test_losing_the_focus_hides_but_not_during_fillin(qtbot: QtBot, make_popup: MakePopup) -> None:
    popup = make_popup()
    other = QWidget()
    qtbot.addWidget(other)
    _open(qtbot, popup, "birthday")
    qtbot.waitUntil(popup.isActiveWindow)
    QTest.keyClick(popup.search_field, Qt.Key.Key_Return)
    assert popup.fillin_open
    other.show()
    other.activateWindow()
    qtbot.waitUntil(other.isActiveWindow)
    assert popup.isVisible()  # the agent may be copying a value from elsewhere
    QTest.keyClick(popup.fillin.edit("customer_name"), Qt.Key.Key_Escape)
    popup.activateWindow()
    qtbot.waitUntil(popup.isActiveWindow)
    other.activateWindow()
    qtbot.waitUntil(lambda: not popup.isVisible())


def test_toggle_hides_an_active_popup_and_shows_a_hidden_one(
    qtbot: QtBot, make_popup: MakePopup
) -> None:
    popup = make_popup()
    popup.toggle()
    qtbot.waitUntil(popup.isActiveWindow)
    popup.toggle()
    assert not popup.isVisible()
    popup.toggle()
    assert popup.isVisible()


def test_reminders_put_the_customer_first_then_template_then_situation(
    qtbot: QtBot, library: Library, desk: Desk
) -> None:
    popup = Popup(
        library,
        Settings(),
        paster=desk.paster,
        windows=desk.windows,
        memory=desk.memory,
        read_mood=lambda text: (
            CustomerMood(("angry (“furious”)",), ("Let them vent.",))
            if "furious" in text
            else CustomerMood()
        ),
    )
    qtbot.addWidget(popup)
    _open(qtbot, popup, "furious birthday")
    assert popup.mood_label.isVisible()
    assert "angry (“furious”)" in popup.mood_label.text()
    shown = popup.preview.reminders.text().splitlines()
    assert [line.lstrip("• ").strip() for line in shown] == [
        "Let them vent.",
        "Name the occasion, not just the parcel.",
        "Say what you will do, and when.",
        "Breathe before you reply.",
    ]
    popup.search_field.setText("birthday")
    assert not popup.mood_label.isVisible()
    assert "Let them vent." not in popup.preview.reminders.text()


def test_empty_query_shows_most_used_replies(qtbot: QtBot, library: Library, desk: Desk) -> None:
    boosts = {"test.pack/thanks": 0.9, "test.pack/refund": 0.4, "gone.pack/x": 1.0}
    popup = Popup(
        library,
        Settings(),
        paster=desk.paster,
        windows=desk.windows,
        memory=desk.memory,
        boosts=lambda: boosts,
    )
    qtbot.addWidget(popup)
    popup.summon()
    assert _titles(popup) == ["Thank them for waiting", "Refund sent today"]


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_with_no_results_does_nothing(
    qtbot: QtBot, make_popup: MakePopup, desk: Desk, key: Qt.Key
) -> None:
    popup = make_popup()
    _open(qtbot, popup, "xylophonequartz")
    QTest.keyClick(popup.search_field, key)
    assert popup.isVisible()
    assert desk.clipboard.writes == []
