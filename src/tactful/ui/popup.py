"""The search popup: type or paste, pick a reply, Enter pastes it where the agent was.

A frameless, always-on-top top-level window (``Qt.Tool``, not ``Qt.Popup``,
so it can hold the keyboard focus and survive a click into the fill-in
form), built once at start and shown by :meth:`Popup.summon`: it remembers
the window the agent was in, centres itself on the screen under the cursor,
activates itself and puts the focus in the search field.

The parts live next door: the widgets in :mod:`tactful.ui.popup_layout`,
the keys in :mod:`tactful.ui.popup_keys`, the customer's mood line in
:mod:`tactful.ui.mood`, hiding on focus loss in :mod:`tactful.ui.focus`, and
the selected reply as it would be pasted (its variant, values, reminders and
tone notes) in :mod:`tactful.ui.current_reply`.
Ranking, rendering, validation and the tone check are core's; this module
only wires them up.

Favourites: Ctrl+D asks to mark or unmark the selected reply
(:attr:`Popup.favourite_toggled`); the app saves it in the usage statistics
and calls :meth:`Popup.refresh_usage`, which ranks again at once, keeps the
same reply selected and stars the favourites. With nothing typed, the popup
offers the favourites first, then the most used replies
(:mod:`tactful.ui.suggestions`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Set
from contextlib import contextmanager
from typing import Protocol

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QWidget

from tactful.core.errors import PlaceholderError
from tactful.core.library import Library
from tactful.core.model import Template
from tactful.core.placeholders import missing, needs_input, placeholders, render
from tactful.core.search import Hit
from tactful.core.settings import Settings
from tactful.desktop.activewindow import ActiveWindowBackend, WindowRef
from tactful.ui.current_reply import CurrentReply
from tactful.ui.fillin import FillInMemory
from tactful.ui.findings import CheckFunction
from tactful.ui.focus import FocusKeeper
from tactful.ui.mood import CustomerMood, MoodSource
from tactful.ui.popup_keys import FILLIN_HINT, KEY_HINT, Action, command_for
from tactful.ui.popup_layout import PAGE_EMPTY, PAGE_FILLIN, PAGE_RESULTS, POPUP_SIZE, PopupLayout
from tactful.ui.resultmodel import ResultModel
from tactful.ui.suggestions import suggestions

log = logging.getLogger(__name__)

RESULT_LIMIT = 20
SCREEN_MARGIN = 40
EMPTY_HINT = (
    "Type what the customer needs (“parcel late”, “refund”, “angry”) or paste their message."
)


class PasteService(Protocol):
    """What the popup needs from the paster (``desktop.paste.Paster``)."""

    def paste(self, text: str, target: WindowRef | None, *, copy_only: bool = False) -> None:
        """Put ``text`` on the clipboard and, unless ``copy_only``, paste it into ``target``."""
        ...


BoostSource = Callable[[], Mapping[str, float]]
"""Frecency and favourite boosts by full template id, read at each search."""
FavouriteSource = Callable[[], Set[str]]
"""The full ids of the agent's favourite templates, read at each search."""


class Popup(QWidget):
    """The search popup.

    Args:
        library: The templates to search; its team tone rules go to the check.
        settings: Agent name and company, default channel, paste method.
        paster: Pastes or copies the chosen reply.
        windows: Tells which window the agent was in before the popup showed.
        memory: Placeholder values typed earlier in this run.
        boosts: Frecency boosts for ranking and for the suggestions shown
            before anything is typed; none when ``None``.
        favourites: The favourite templates, starred in the list and offered
            first before anything is typed; none when ``None``.
        read_mood: Reads the customer's mood from the query, once per search;
            its cues show above the results and its reminders come first.
        check: The tone check (``check_tone``), run on the selected reply as it
            would be pasted; no tone notes when ``None``.
        parent: Qt parent (normally none: the popup is a top-level window).

    Signals:
        chosen(str, str): A reply went out: its full id and ``"paste"`` or ``"copy"``.
        favourite_toggled(str, bool): The agent asked to mark (``True``) or
            unmark (``False``) the template with this full id as a favourite.
    """

    chosen = Signal(str, str)
    favourite_toggled = Signal(str, bool)

    def __init__(
        self,
        library: Library,
        settings: Settings,
        *,
        paster: PasteService,
        windows: ActiveWindowBackend,
        memory: FillInMemory,
        boosts: BoostSource | None = None,
        favourites: FavouriteSource | None = None,
        read_mood: MoodSource | None = None,
        check: CheckFunction | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowFlags(
            Qt.WindowType.Tool
            | Qt.WindowType.FramelessWindowHint
            | Qt.WindowType.WindowStaysOnTopHint
        )
        self.setWindowTitle("Tactful")
        self.setObjectName("popup")
        self._library = library
        self._settings = settings
        self._paster = paster
        self._windows = windows
        self._memory = memory
        self._boosts = boosts
        self._favourites = favourites
        self._read_mood = read_mood
        self._target: WindowRef | None = None
        self._pending: tuple[Template, str, bool] | None = None
        self._last_query: str | None = None
        self._keep_reply = False
        self._focus = FocusKeeper(
            self, windows, on_lost=self.dismiss, keep_open=lambda: self.fillin_open
        )
        self._build()
        self.reply = CurrentReply(
            self.preview, library, settings, mood=lambda: self.mood, check=check
        )
        self._show_empty(EMPTY_HINT)

    # --- construction ---------------------------------------------------

    def _build(self) -> None:
        self.model = ResultModel(self._library, self)
        ui = PopupLayout(self, self.model)
        self.search_field = ui.search_field
        self.mood_label = ui.mood_label
        self.list_view = ui.list_view
        self.empty_label = ui.empty_label
        self.fillin = ui.fillin
        self.pages = ui.pages
        self.preview = ui.preview
        self.status = ui.status
        self.search_field.textChanged.connect(self._on_text_changed)
        self.search_field.installEventFilter(self)
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.list_view.doubleClicked.connect(lambda index: self._choose(index.row(), False))
        self.fillin.accepted.connect(self._on_fillin_accepted)
        self.fillin.cancelled.connect(self._close_fillin)
        self.fillin.changed.connect(self._on_fillin_changed)

    # --- state from outside ------------------------------------------------

    @property
    def target(self) -> WindowRef | None:
        """The window the reply goes to (the one active before the popup showed)."""
        return self._target

    @property
    def fillin_open(self) -> bool:
        """Whether the fill-in form is showing."""
        return self.pages.currentIndex() == PAGE_FILLIN

    @property
    def channel(self) -> str | None:
        """The variant shown for the current result (``None`` for the default body)."""
        return self.reply.channel

    @property
    def mood(self) -> CustomerMood:
        """What the current query says about the customer."""
        return self.mood_label.mood

    def set_library(self, library: Library) -> None:
        """Search ``library`` (and check replies with its team rules) from now on."""
        self._library = library
        self.model.set_library(library)
        self.reply.set_library(library)
        self._last_query = None
        self._search(self.search_field.text())

    def set_settings(self, settings: Settings) -> None:
        """Use new settings (default channel, built-in values, paste method)."""
        self._settings = settings
        self.reply.set_settings(settings)
        self._last_query = None
        self._search(self.search_field.text())

    # --- showing and hiding --------------------------------------------------

    def summon(self) -> None:
        """Remember the agent's window, then show the popup centred and focused."""
        if not self.isVisible():
            self._target = self._windows.current()
            log.info("popup shown over %s", self._target)
            self._close_fillin()
            self.search_field.selectAll()
            self._search(self.search_field.text())
            self._place()
        self._focus.shown()
        self.show()
        self.raise_()
        self.activateWindow()
        if not self.fillin_open:
            self.search_field.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    def toggle(self) -> None:
        """Hide when shown and focused; otherwise :meth:`summon`."""
        if self.isVisible() and self.isActiveWindow():
            self.dismiss()
        else:
            self.summon()

    def dismiss(self) -> None:
        """Hide the popup (the form's typed values are kept until the next choice)."""
        self._focus.stop()
        self.hide()

    def _place(self) -> None:
        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area = screen.availableGeometry()
        width = min(POPUP_SIZE.width(), area.width() - SCREEN_MARGIN)
        height = min(POPUP_SIZE.height(), area.height() - SCREEN_MARGIN)
        self.resize(width, height)
        self.move(area.center().x() - width // 2, area.center().y() - height // 2)

    # --- searching -----------------------------------------------------------

    def _on_text_changed(self, text: str) -> None:
        if not self.fillin_open:
            self._search(text)

    def _search(self, text: str) -> None:
        if text == self._last_query:
            return
        self._last_query = text
        self.mood_label.show_mood(
            self._read_mood(text) if self._read_mood and text.strip() else CustomerMood()
        )
        hits = self._ranked(text)
        if hits:
            self.pages.setCurrentIndex(PAGE_RESULTS)
            self.list_view.setCurrentIndex(self.model.index(0))
            self.list_view.scrollToTop()
        else:
            self._show_nothing(text)

    def _show_nothing(self, text: str) -> None:
        if text.strip():
            self._show_empty(f"No reply matches “{text.strip()[:60]}”. Try other words.")
        else:
            self._show_empty(EMPTY_HINT)

    def _ranked(self, text: str) -> list[Hit]:
        """Search ``text`` (or suggest, when empty) with the current usage; fill the model."""
        boosts = self._boosts() if self._boosts is not None else None
        favourites = self._favourites() if self._favourites is not None else frozenset()
        channel = self._settings.default_channel or None
        if text.strip():
            hits = self._library.search(text, limit=RESULT_LIMIT, channel=channel, boosts=boosts)
        else:
            hits = suggestions(self._library, boosts or {}, favourites, limit=RESULT_LIMIT)
        self.model.set_favourites(favourites)
        self.model.set_hits(hits, channel)
        return hits

    def refresh_usage(self) -> None:
        """Favourites or uses changed: rank again now, keeping the selected reply selected.

        While hidden, the popup ranks again when it next shows.
        """
        self._last_query = None
        if not self.isVisible() or self.fillin_open:
            return
        text = self.search_field.text()
        self._last_query = text
        selected = self.current_template()
        row = self.current_row()
        with self._keeping_reply():
            hits = self._ranked(text)
        if not hits:
            self.reply.select(None)
            self._show_nothing(text)
            return
        self.pages.setCurrentIndex(PAGE_RESULTS)
        found = self.model.row_of(selected.full_id) if selected is not None else -1
        row = found if found != -1 else max(0, min(row, len(hits) - 1))
        with self._keeping_reply():
            self.list_view.setCurrentIndex(self.model.index(row))
        self.list_view.scrollTo(self.model.index(row))
        template = self.model.template(row)
        if template is None or selected is None or template.full_id != selected.full_id:
            self.reply.select(template)

    def _show_empty(self, message: str) -> None:
        self.empty_label.setText(message)
        self.pages.setCurrentIndex(PAGE_EMPTY)
        self.preview.clear()

    # --- the current result and its preview ----------------------------------

    def current_row(self) -> int:
        """The selected row, or -1."""
        index = self.list_view.currentIndex()
        return index.row() if index.isValid() else -1

    def current_template(self) -> Template | None:
        """The selected template, if any."""
        return self.model.template(self.current_row())

    @contextmanager
    def _keeping_reply(self) -> Iterator[None]:
        """Selection changes inside leave the preview (and its variant) alone."""
        self._keep_reply = True
        try:
            yield
        finally:
            self._keep_reply = False

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._keep_reply:
            return
        self.reply.select(self.model.template(current.row()) if current.isValid() else None)

    def toggle_favourite(self) -> None:
        """Ask to mark the selected reply as a favourite, or to unmark it if it is one."""
        template = self.current_template()
        if template is None:
            return
        self.favourite_toggled.emit(template.full_id, template.full_id not in self.model.favourites)

    def cycle_variant(self, step: int = 1) -> None:
        """Show the next (or previous) channel variant of the current result."""
        self.reply.cycle(step)

    def move_selection(self, delta: int) -> None:
        """Move the selection by ``delta`` rows, clamped to the list."""
        count = self.model.rowCount()
        if not count:
            return
        row = max(0, min(count - 1, self.current_row() + delta))
        self.list_view.setCurrentIndex(self.model.index(row))

    # --- choosing --------------------------------------------------------------

    def choose(self, row: int | None = None, *, copy_only: bool = False) -> None:
        """Use result ``row`` (the selected one when ``None``): fill in, then paste or copy."""
        self._choose(self.current_row() if row is None else row, copy_only)

    def _choose(self, row: int, copy_only: bool) -> None:
        template = self.model.template(row)
        if template is None:
            return
        if row != self.current_row():
            self.list_view.setCurrentIndex(self.model.index(row))
        body = self.reply.body()
        known = self.reply.known_values()
        try:
            needed = needs_input(body, known)
        except PlaceholderError as exc:
            self.preview.clear(f"This reply cannot be used: {exc}")
            return
        if needed:
            self._open_fillin(template, body, needed, copy_only)
        else:
            self._deliver(template, body, known, copy_only)

    def _open_fillin(
        self, template: Template, body: str, needed: list[str], copy_only: bool
    ) -> None:
        fallbacks: dict[str, str | None] = {}
        for ph in placeholders(body):
            if ph.name in needed and fallbacks.get(ph.name) is None:
                fallbacks[ph.name] = ph.fallback
        prefill = {name: self._memory.get(name) for name in needed}
        self._pending = (template, body, copy_only)
        self.pages.setCurrentIndex(PAGE_FILLIN)
        self.status.setText(FILLIN_HINT)
        self.fillin.start(template.title, needed, prefill, fallbacks)
        self.reply.show(prefill)

    def _close_fillin(self) -> None:
        self._pending = None
        self.status.setText(KEY_HINT)
        if self.fillin_open:
            has_rows = self.model.rowCount() > 0
            self.pages.setCurrentIndex(PAGE_RESULTS if has_rows else PAGE_EMPTY)
            self.reply.show()
            self.search_field.setFocus()

    def _on_fillin_changed(self, values: dict[str, str]) -> None:
        if self._pending is not None:
            self.reply.show(values)

    def _on_fillin_accepted(self, typed: dict[str, str], copy_only: bool) -> None:
        if self._pending is None:
            return
        template, body, pending_copy = self._pending
        values = self.reply.known_values()
        values.update({k: v for k, v in typed.items() if v})
        lacking = missing(body, values)
        if lacking:
            self.fillin.show_missing(lacking)
            return
        self._memory.remember(typed)
        self._pending = None
        self._deliver(template, body, values, copy_only or pending_copy)

    def _deliver(
        self, template: Template, body: str, values: Mapping[str, str], copy_only: bool
    ) -> None:
        text = render(body, values).strip("\n")
        copy = copy_only or self._settings.paste_method == "copy"
        target = self._target
        self.dismiss()
        self._close_fillin()
        self._paster.paste(text, target, copy_only=copy)
        self.chosen.emit(template.full_id, "copy" if copy else "paste")

    # --- keys ------------------------------------------------------------------

    def handle_key(self, event: QKeyEvent) -> bool:
        """Carry out the key's command in results mode; ``True`` when the key was used."""
        command = command_for(event.key(), event.modifiers())
        if command is None:
            return False
        action, amount = command.action, command.amount
        if action is Action.HIDE:
            self.dismiss()
        elif action in (Action.PASTE, Action.COPY):
            self.choose(copy_only=action is Action.COPY)
        elif action is Action.MOVE:
            self.move_selection(amount)
        elif action is Action.VARIANT:
            self.cycle_variant(amount)
        elif action is Action.PICK and amount < self.model.rowCount():
            self.choose(amount)
        elif action is Action.FAVOURITE:
            self.toggle_favourite()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Route the search field's navigation keys to :meth:`handle_key`."""
        if (
            watched is self.search_field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and not self.fillin_open
            and self.handle_key(event)
        ):
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keys that reach the window itself (the focus is elsewhere than the field)."""
        if self.fillin_open:
            super().keyPressEvent(event)
            return
        if not self.handle_key(event):
            super().keyPressEvent(event)
