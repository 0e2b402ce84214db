"""Wellbeing: quiet break reminders and a reset card after an angry message.

Pure logic with the clock passed in, so the ui decides how to show things and
tests decide what time it is. Nothing nags: break reminders are off unless the
agent turns them on, each reminder comes at most once per stretch of use, and
the reset card has a cool-down so a run of angry messages gives one card.

Settings (``core/settings.py``): ``break_reminders`` (default off),
``break_after_minutes`` (default 90) and ``reset_card`` (default on); in the
settings file they are the ``wellbeing.*`` keys of the design.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tactful.core.customer import Cue
from tactful.core.settings import Settings

Clock = Callable[[], float]
"""Seconds from any fixed origin, never going backwards (``time.monotonic``)."""

DEFAULT_GAP_MINUTES = 10
"""A pause in use this long counts as a break and starts a new stretch."""
DEFAULT_CARD_COOLDOWN_MINUTES = 20
"""After a reset card, angry messages read within this time bring no new card."""


@dataclass(frozen=True, slots=True)
class WellbeingSettings:
    """What the agent chose; every reminder can be turned off.

    Attributes:
        break_reminders: Remind the agent to take a break (off by default).
        break_after_minutes: Minutes of continuous use before a reminder.
        reset_card: Offer the reset card after an angry message.
        gap_minutes: A pause this long resets the stretch of continuous use.
        card_cooldown_minutes: Minimum time between two reset cards.
    """

    break_reminders: bool = False
    break_after_minutes: int = 90
    reset_card: bool = True
    gap_minutes: int = DEFAULT_GAP_MINUTES
    card_cooldown_minutes: int = DEFAULT_CARD_COOLDOWN_MINUTES

    @classmethod
    def from_settings(cls, settings: Settings) -> WellbeingSettings:
        """The wellbeing part of the agent's settings."""
        return cls(
            break_reminders=settings.break_reminders,
            break_after_minutes=settings.break_after_minutes,
            reset_card=settings.reset_card,
        )

    def __post_init__(self) -> None:
        for name in ("break_after_minutes", "gap_minutes", "card_cooldown_minutes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"wellbeing.{name}: expected a whole number of minutes >= 1")


class BreakReminder:
    """Counts continuous use (popup opens, pastes) and says when a break is due.

    Use is continuous while the gaps between uses stay shorter than
    ``gap_minutes``; a longer gap was a break and starts a new stretch. After
    ``break_after_minutes`` of one stretch, :meth:`due` is true until the
    reminder is shown; the next one comes after as long again, and only if the
    agent is still working without a break.
    """

    def __init__(self, settings: WellbeingSettings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._stretch_start: float | None = None
        self._last_use: float | None = None

    @property
    def settings(self) -> WellbeingSettings:
        """The settings in force."""
        return self._settings

    def configure(self, settings: WellbeingSettings) -> None:
        """Apply new settings; the current stretch is kept."""
        self._settings = settings

    def record_use(self) -> None:
        """Note one use (the popup opened, a reply was pasted)."""
        now = self._clock()
        gap = self._settings.gap_minutes * 60
        if self._last_use is None or now - self._last_use >= gap:
            self._stretch_start = now
        self._last_use = now

    def stretch_minutes(self) -> float:
        """Minutes of continuous use so far (0 after a break or before any use)."""
        now = self._clock()
        if self._stretch_start is None or self._last_use is None:
            return 0.0
        if now - self._last_use >= self._settings.gap_minutes * 60:
            return 0.0
        return (now - self._stretch_start) / 60

    def due(self) -> bool:
        """Whether a break reminder should show now."""
        if not self._settings.break_reminders:
            return False
        return self.stretch_minutes() >= self._settings.break_after_minutes

    def shown(self) -> None:
        """The reminder was shown (or dismissed): count the next stretch from now."""
        if self._last_use is not None:
            self._stretch_start = self._clock()


class ResetCardTrigger:
    """Decides when to offer the reset card: after an angry message was read.

    Call :meth:`message_read` with the cues of a customer message the agent
    actually pasted or opened (not with every keystroke of a query); it says
    whether to show the card. A card is offered at most once per cool-down.
    """

    def __init__(self, settings: WellbeingSettings, clock: Clock) -> None:
        self._settings = settings
        self._clock = clock
        self._last_card: float | None = None

    def configure(self, settings: WellbeingSettings) -> None:
        """Apply new settings."""
        self._settings = settings

    def message_read(self, cues: Iterable[Cue]) -> bool:
        """Whether to offer the card after reading a message with ``cues``."""
        if not self._settings.reset_card or not any(c.kind == "angry" for c in cues):
            return False
        now = self._clock()
        cooldown = self._settings.card_cooldown_minutes * 60
        if self._last_card is not None and now - self._last_card < cooldown:
            return False
        self._last_card = now
        return True


RESET_CARD_LINES = (
    "Pause. It's not about you; it's about what went wrong for them.",
    "Breathe out slowly, twice.",
    "Reframe: what's the one thing you can fix for them now?",
)
"""The reset card: pause, breathe, reframe."""

BREAK_NOTICE = (
    "You've been helping customers for a while. A few minutes away from the screen helps."
)
"""The quiet break notice."""
