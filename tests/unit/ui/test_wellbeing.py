"""The reset card, the break notice and the controller that shows them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tactful.core.customer import Cue
from tactful.core.wellbeing import RESET_CARD_LINES, WellbeingSettings
from tactful.ui.wellbeing import BreakNotice, ResetCard, WellbeingController

ANGRY = [Cue("angry", 0, 7, "furious")]


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_reset_card_shows_three_lines_and_done_closes(qtbot: QtBot) -> None:
    card = ResetCard()
    qtbot.addWidget(card)
    card.open_card()
    assert [label.text() for label in card.lines] == list(RESET_CARD_LINES)
    with qtbot.waitSignal(card.finished):
        qtbot.mouseClick(card.done_button, Qt.MouseButton.LeftButton)
    assert not card.isVisible()


def test_escape_closes_the_reset_card(qtbot: QtBot) -> None:
    card = ResetCard()
    qtbot.addWidget(card)
    card.open_card()
    with qtbot.waitSignal(card.finished):
        qtbot.keyClick(card, Qt.Key.Key_Escape)
    assert not card.isVisible()


def test_reset_card_can_turn_itself_off(qtbot: QtBot) -> None:
    card = ResetCard()
    qtbot.addWidget(card)
    card.open_card()
    with qtbot.waitSignals([card.turn_off_requested, card.finished]):
        qtbot.mouseClick(card.turn_off_button, Qt.MouseButton.LeftButton)


def test_break_notice_closes_by_itself(qtbot: QtBot) -> None:
    notice = BreakNotice(seconds=0)
    qtbot.addWidget(notice)
    with qtbot.waitSignal(notice.dismissed, timeout=2000):
        notice.open_notice()
    assert not notice.isVisible()


def test_break_notice_does_not_take_focus_and_can_turn_off(qtbot: QtBot) -> None:
    notice = BreakNotice()
    qtbot.addWidget(notice)
    assert notice.testAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
    notice.open_notice()
    with qtbot.waitSignal(notice.turn_off_requested):
        qtbot.mouseClick(notice.turn_off_button, Qt.MouseButton.LeftButton)
    assert not notice.isVisible()


def test_controller_shows_the_card_after_an_angry_message(qtbot: QtBot) -> None:
    controller = WellbeingController(WellbeingSettings(), FakeClock())
    assert not controller.customer_message_read([])
    assert controller.customer_message_read(ANGRY)
    assert controller.card is not None
    qtbot.addWidget(controller.card)
    assert controller.card.isVisible()
    assert not controller.customer_message_read(ANGRY)  # cool-down: no second card
    controller.close_all()


def test_controller_respects_reset_card_off(qtbot: QtBot) -> None:
    controller = WellbeingController(WellbeingSettings(reset_card=False), FakeClock())
    assert not controller.customer_message_read(ANGRY)
    assert controller.card is None


def test_controller_break_notice_only_when_on_and_due(qtbot: QtBot) -> None:
    clock = FakeClock()
    settings = WellbeingSettings(break_reminders=True, break_after_minutes=30)
    controller = WellbeingController(settings, clock)
    for _ in range(8):
        controller.record_use()
        clock.now += 5 * 60
    controller.record_use()
    assert controller.poll()
    assert controller.notice is not None
    qtbot.addWidget(controller.notice)
    assert controller.notice.isVisible()
    assert not controller.poll()  # shown once, not again straight away
    with qtbot.waitSignal(controller.turn_off_break_reminders):
        qtbot.mouseClick(controller.notice.turn_off_button, Qt.MouseButton.LeftButton)
    controller.apply(WellbeingSettings(break_reminders=False))
    clock.now += 3 * 3600
    controller.record_use()
    assert not controller.poll()


def test_controller_with_reminders_off_never_notices(qtbot: QtBot) -> None:
    clock = FakeClock()
    controller = WellbeingController(WellbeingSettings(), clock)
    for _ in range(100):
        controller.record_use()
        clock.now += 5 * 60
    assert not controller.poll()
    assert controller.notice is None
