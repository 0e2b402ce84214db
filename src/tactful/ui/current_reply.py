"""The reply the popup is about to send: its channel variant, its values so far, its preview.

:class:`CurrentReply` follows the popup's selection. It picks the variant
the settings prefer, fills in what is already known (built-ins from the
settings, then what the agent types in the fill-in form), orders the tone
reminders (the customer's mood first, then the template's, then its
situation's), runs the tone check on the text that would be pasted, and hands
all of it to the :class:`~tactful.ui.preview.PreviewPane`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from tactful.core.library import Library
from tactful.core.model import Template
from tactful.core.placeholders import builtin_values
from tactful.core.settings import Settings
from tactful.ui.findings import CheckFunction
from tactful.ui.mood import CustomerMood
from tactful.ui.preview import DEFAULT_VARIANT, PreviewPane
from tactful.ui.reply_text import pasted_reply
from tactful.ui.tone_notes import ToneNotes


class CurrentReply:
    """The selected template as it would go out, shown in ``preview``.

    Args:
        preview: Where the reply is shown.
        library: For the reminders of the template's situation and the team tone rules.
        settings: Built-in values and the preferred channel.
        mood: The customer's mood now (its reminders come first).
        check: The tone check; no tone notes when ``None``.
    """

    def __init__(
        self,
        preview: PreviewPane,
        library: Library,
        settings: Settings,
        *,
        mood: Callable[[], CustomerMood],
        check: CheckFunction | None = None,
    ) -> None:
        self.preview = preview
        self.tone = ToneNotes(check, library.tone_rules)
        self._library = library
        self._settings = settings
        self._mood = mood
        self._template: Template | None = None
        self._variant = 0

    @property
    def template(self) -> Template | None:
        """The template shown, if any."""
        return self._template

    @property
    def channel(self) -> str | None:
        """The variant shown (``None`` for the default body or when nothing is shown)."""
        if self._template is None:
            return None
        channels = [DEFAULT_VARIANT, *self._template.channels]
        index = self._variant % len(channels)
        return None if index == 0 else channels[index]

    def body(self) -> str:
        """The text of the variant shown ("" when nothing is shown)."""
        return self._template.body_for(self.channel) if self._template is not None else ""

    def set_library(self, library: Library) -> None:
        """Use ``library``'s reminders and team tone rules from now on."""
        self._library = library
        self.tone.set_rules(library.tone_rules)

    def set_settings(self, settings: Settings) -> None:
        """Use new built-in values and preferred channel from now on."""
        self._settings = settings

    def known_values(self) -> dict[str, str]:
        """The built-in values from the settings and the clock."""
        s = self._settings
        return builtin_values(
            agent_name=s.agent_name, agent_signature=s.agent_signature, company=s.company
        )

    def select(self, template: Template | None) -> None:
        """Show ``template`` in the variant the settings prefer (clear for ``None``)."""
        self._template = template
        if template is None:
            self.preview.clear()
            return
        wanted = self._settings.default_channel
        self._variant = 1 + template.channels.index(wanted) if wanted in template.channels else 0
        self.show()

    def cycle(self, step: int) -> None:
        """Show the variant ``step`` places on (wrapping round)."""
        if self._template is None or not self._template.channels:
            return
        self._variant = (self._variant + step) % (len(self._template.channels) + 1)
        self.show()

    def reminders_for(self, template: Template) -> list[str]:
        """Tone reminders: the customer's mood first, then the template's, then its situation's."""
        return self._library.reminder_texts(template, first=self._mood().reminders)

    def show(self, typed: Mapping[str, str] | None = None) -> None:
        """Show the reply as it would be pasted now, with ``typed`` values and the tone notes."""
        template = self._template
        if template is None:
            self.preview.clear()
            return
        values = self.known_values()
        values.update({k: v for k, v in (typed or {}).items() if v})
        reply = pasted_reply(self.body(), values)
        self.preview.show_reply(
            template.title,
            reply,
            [DEFAULT_VARIANT, *template.channels],
            self._variant % (len(template.channels) + 1),
            self.reminders_for(template),
            self.tone.notes_for(reply),
        )
