"""Wellbeing logic with a fake clock: break reminders and the reset card."""

from __future__ import annotations

import pytest

from tactful.core.customer import Cue
from tactful.core.settings import Settings
from tactful.core.wellbeing import BreakReminder, ResetCardTrigger, WellbeingSettings


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def minutes(self, n: float) -> None:
        self.now += n * 60


ANGRY = [Cue("angry", 0, 7, "furious")]
CALM = [Cue("happy", 0, 5, "great")]


def use_for(reminder: BreakReminder, clock: FakeClock, minutes: int, every: int = 5) -> None:
    for _ in range(minutes // every):
        clock.minutes(every)
        reminder.record_use()


def test_defaults_match_the_settings() -> None:
    defaults = WellbeingSettings()
    assert defaults == WellbeingSettings.from_settings(Settings())
    assert defaults.break_reminders is False
    assert defaults.break_after_minutes == 90
    assert defaults.reset_card is True


def test_break_reminders_are_off_by_default() -> None:
    clock = FakeClock()
    reminder = BreakReminder(WellbeingSettings(), clock)
    reminder.record_use()
    use_for(reminder, clock, 300)
    assert not reminder.due()


def test_break_due_after_continuous_use() -> None:
    clock = FakeClock()
    reminder = BreakReminder(WellbeingSettings(break_reminders=True, break_after_minutes=60), clock)
    reminder.record_use()
    use_for(reminder, clock, 55)
    assert not reminder.due()
    use_for(reminder, clock, 5)
    assert reminder.due()


def test_a_long_gap_resets_the_stretch() -> None:
    clock = FakeClock()
    settings = WellbeingSettings(break_reminders=True, break_after_minutes=60, gap_minutes=10)
    reminder = BreakReminder(settings, clock)
    reminder.record_use()
    use_for(reminder, clock, 50)
    clock.minutes(15)  # a break
    reminder.record_use()
    use_for(reminder, clock, 30)
    assert reminder.stretch_minutes() == pytest.approx(30)
    assert not reminder.due()


def test_idle_after_use_is_not_a_stretch() -> None:
    clock = FakeClock()
    reminder = BreakReminder(WellbeingSettings(break_reminders=True, break_after_minutes=60), clock)
    reminder.record_use()
    use_for(reminder, clock, 55)
    clock.minutes(30)
    assert not reminder.due()
    assert reminder.stretch_minutes() == 0


def test_shown_reminder_does_not_repeat_until_another_full_stretch() -> None:
    clock = FakeClock()
    reminder = BreakReminder(WellbeingSettings(break_reminders=True, break_after_minutes=60), clock)
    reminder.record_use()
    use_for(reminder, clock, 60)
    assert reminder.due()
    reminder.shown()
    assert not reminder.due()
    use_for(reminder, clock, 55)
    assert not reminder.due()
    use_for(reminder, clock, 5)
    assert reminder.due()


def test_turning_reminders_off_silences_them() -> None:
    clock = FakeClock()
    reminder = BreakReminder(WellbeingSettings(break_reminders=True, break_after_minutes=30), clock)
    reminder.record_use()
    use_for(reminder, clock, 40)
    assert reminder.due()
    reminder.configure(WellbeingSettings(break_reminders=False))
    assert not reminder.due()


def test_no_use_no_reminder() -> None:
    clock = FakeClock()
    reminder = BreakReminder(WellbeingSettings(break_reminders=True, break_after_minutes=1), clock)
    clock.minutes(500)
    assert not reminder.due()
    reminder.shown()
    assert not reminder.due()


def test_reset_card_after_an_angry_message_only() -> None:
    trigger = ResetCardTrigger(WellbeingSettings(), FakeClock())
    assert not trigger.message_read(CALM)
    assert not trigger.message_read([])
    assert trigger.message_read(ANGRY)


def test_reset_card_has_a_cooldown() -> None:
    clock = FakeClock()
    trigger = ResetCardTrigger(WellbeingSettings(card_cooldown_minutes=20), clock)
    assert trigger.message_read(ANGRY)
    clock.minutes(5)
    assert not trigger.message_read(ANGRY)
    clock.minutes(16)
    assert trigger.message_read(ANGRY)


def test_reset_card_can_be_turned_off() -> None:
    clock = FakeClock()
    trigger = ResetCardTrigger(WellbeingSettings(reset_card=False), clock)
    assert not trigger.message_read(ANGRY)
    trigger.configure(WellbeingSettings(reset_card=True))
    assert trigger.message_read(ANGRY)


@pytest.mark.parametrize("value", [0, -5, True])
def test_bad_minutes_are_rejected_with_the_key(value: int) -> None:
    with pytest.raises(ValueError, match=r"wellbeing\.break_after_minutes"):
        WellbeingSettings(break_after_minutes=value)
