"""The search popup: type or paste, pick a reply, Enter pastes it where the agent was.

A frameless, always-on-top top-level window (``Qt.Tool``, not ``Qt.Popup``,
so it can hold the keyboard focus and survive a click into the fill-in
form), built once at start and shown by :meth:`Popup.summon`: it remembers
the window the agent was in, centres itself on the screen under the cursor,
activates itself and puts the focus in the search field.

Keys: Up/Down choose, Enter pastes, Ctrl+Enter copies only, Ctrl+1..9 picks a
row, Tab/Shift+Tab switch the channel variant, Esc hides (or leaves the
fill-in form). The popup hides when it loses the focus, except while the
fill-in form is open (the agent may be copying a value from another window).
Ranking, rendering and validation are core's; this module only wires them up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QIcon, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from tactful.core.errors import PlaceholderError, UnknownTemplateError
from tactful.core.library import Library
from tactful.core.model import Template
from tactful.core.placeholders import builtin_values, missing, needs_input, placeholders, render
from tactful.core.search import Hit
from tactful.core.settings import Settings
from tactful.desktop.activewindow import ActiveWindowBackend, WindowRef
from tactful.ui.delegate import ResultDelegate
from tactful.ui.fillin import FillInForm, FillInMemory
from tactful.ui.preview import DEFAULT_VARIANT, PreviewPane
from tactful.ui.resultmodel import ResultModel

log = logging.getLogger(__name__)

RESULT_LIMIT = 20
SUGGESTION_LIMIT = 8
POPUP_SIZE = QSize(920, 540)
SCREEN_MARGIN = 40
FOCUS_LOSS_MS = 80
"""The focus must stay away this long before the popup hides (window managers flicker)."""
ACTIVATE_RETRY_MS = 150
"""Not focused this long after showing: ask the window manager again, as the user."""
EMPTY_HINT = (
    "Type what the customer needs (“parcel late”, “refund”, “angry”) or paste their message."
)
KEY_HINT = "↑↓ choose · Enter pastes · Ctrl+Enter copies · Ctrl+1…9 picks · Tab variant · Esc hides"
FILLIN_HINT = "Enter pastes · Ctrl+Enter copies · Tab next field · Esc back to the results"

PAGE_RESULTS, PAGE_EMPTY, PAGE_FILLIN = 0, 1, 2
MOOD_STYLE = (
    "QLabel#customerMood { background: rgba(232, 160, 32, 0.18); border-radius: 5px; "
    "padding: 4px 10px; }"
)


class PasteService(Protocol):
    """What the popup needs from the paster (``desktop.paste.Paster``)."""

    def paste(self, text: str, target: WindowRef | None, *, copy_only: bool = False) -> None:
        """Put ``text`` on the clipboard and, unless ``copy_only``, paste it into ``target``."""
        ...


@dataclass(frozen=True, slots=True)
class CustomerMood:
    """What a query (often a pasted customer message) says about the customer.

    Attributes:
        cues: Short labels, each with the words that show it: ``angry (“unacceptable”)``.
        reminders: Tone reminders that fit, best first; shown before the template's own.
    """

    cues: tuple[str, ...] = ()
    reminders: tuple[str, ...] = ()


BoostSource = Callable[[], Mapping[str, float]]
"""Frecency and favourite boosts by full template id, read at each search."""
MoodSource = Callable[[str], CustomerMood]
"""Reads the customer's mood from the query (the app passes core's customer reader)."""


class Popup(QWidget):
    """The search popup.

    Args:
        library: The templates to search.
        settings: Agent name and company, default channel, paste method.
        paster: Pastes or copies the chosen reply.
        windows: Tells which window the agent was in before the popup showed.
        memory: Placeholder values typed earlier in this run.
        boosts: Frecency boosts for ranking and for the suggestions shown
            before anything is typed; none when ``None``.
        read_mood: Reads the customer's mood from the query, once per search;
            its cues show above the results and its reminders come first.
        parent: Qt parent (normally none: the popup is a top-level window).

    Signals:
        chosen(str, str): A reply went out: its full id and ``"paste"`` or ``"copy"``.
    """

    chosen = Signal(str, str)

    def __init__(
        self,
        library: Library,
        settings: Settings,
        *,
        paster: PasteService,
        windows: ActiveWindowBackend,
        memory: FillInMemory,
        boosts: BoostSource | None = None,
        read_mood: MoodSource | None = None,
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
        self._read_mood = read_mood
        self._mood = CustomerMood()
        self._target: WindowRef | None = None
        self._was_active = False
        self._variant = 0
        self._pending: tuple[Template, str, bool] | None = None
        self._last_query: str | None = None
        self._focus_check = QTimer(self)
        self._focus_check.setSingleShot(True)
        self._focus_check.setInterval(FOCUS_LOSS_MS)
        self._focus_check.timeout.connect(self._on_focus_check)
        self._build()
        self._show_empty(EMPTY_HINT)

    # --- construction ---------------------------------------------------

    def _build(self) -> None:
        frame = QFrame(self)
        frame.setObjectName("popupFrame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

        self.search_field = QLineEdit()
        self.search_field.setObjectName("search")
        self.search_field.setPlaceholderText(
            "Describe the situation or paste the customer's message"
        )
        self.search_field.setClearButtonEnabled(True)
        find_icon = QIcon.fromTheme("edit-find")
        if not find_icon.isNull():
            self.search_field.addAction(find_icon, QLineEdit.ActionPosition.LeadingPosition)
        font = self.search_field.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        self.search_field.setFont(font)
        self.search_field.setMinimumHeight(44)
        self.search_field.textChanged.connect(self._on_text_changed)
        self.search_field.installEventFilter(self)

        self.mood_label = QLabel()
        self.mood_label.setObjectName("customerMood")
        self.mood_label.setTextFormat(Qt.TextFormat.PlainText)
        self.mood_label.setWordWrap(True)
        self.mood_label.setStyleSheet(MOOD_STYLE)
        self.mood_label.hide()
        mood_row = QHBoxLayout()
        mood_row.setContentsMargins(12, 0, 12, 6)
        mood_row.addWidget(self.mood_label)

        self.model = ResultModel(self._library, self)
        self.list_view = QListView()
        self.list_view.setObjectName("results")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(ResultDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list_view.setFrameShape(QFrame.Shape.NoFrame)
        self.list_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list_view.selectionModel().currentChanged.connect(self._on_current_changed)
        self.list_view.doubleClicked.connect(lambda index: self._choose(index.row(), False))

        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyHint")
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)
        self.empty_label.setContentsMargins(24, 24, 24, 24)

        self.fillin = FillInForm()
        self.fillin.accepted.connect(self._on_fillin_accepted)
        self.fillin.cancelled.connect(self._close_fillin)
        self.fillin.changed.connect(self._on_fillin_changed)

        self.pages = QStackedWidget()
        self.pages.addWidget(self.list_view)
        self.pages.addWidget(self.empty_label)
        self.pages.addWidget(self.fillin)

        self.preview = PreviewPane()
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.pages)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 11)
        splitter.setStretchFactor(1, 9)
        splitter.setSizes([500, 420])

        self.status = QLabel(KEY_HINT)
        self.status.setObjectName("keyHint")
        self.status.setEnabled(False)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        top = QHBoxLayout()
        top.setContentsMargins(12, 12, 12, 6)
        top.addWidget(self.search_field)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(14, 4, 14, 8)
        bottom.addWidget(self.status, 1)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addLayout(mood_row)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.resize(POPUP_SIZE)

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
        channels = self.preview.channels
        if not channels or self._variant >= len(channels) or self._variant == 0:
            return None
        return channels[self._variant]

    def set_library(self, library: Library) -> None:
        """Search ``library`` from now on."""
        self._library = library
        self.model.set_library(library)
        self._last_query = None
        self._search(self.search_field.text())

    def set_settings(self, settings: Settings) -> None:
        """Use new settings (default channel, built-in values, paste method)."""
        self._settings = settings
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
        self._was_active = False
        self.show()
        self.raise_()
        self.activateWindow()
        QTimer.singleShot(ACTIVATE_RETRY_MS, self, self._ensure_active)
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
        self._was_active = False
        self._focus_check.stop()
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

    def _ensure_active(self) -> None:
        """Ask the window manager as a pager would, when it ignored the app's own request.

        Window managers with focus-stealing prevention may refuse a background
        app's activation; a request marked as coming from the user is honoured.
        """
        if self.isVisible() and not self.isActiveWindow():
            log.info("popup not focused after showing; asking the window manager again")
            self._windows.activate(WindowRef(int(self.winId()), "tactful", self.windowTitle()))

    def changeEvent(self, event: QEvent) -> None:
        """Hide on losing the focus (not while the fill-in form is open)."""
        if event.type() == QEvent.Type.ActivationChange:
            if self.isActiveWindow():
                self._was_active = True
                self._focus_check.stop()
            elif self._was_active and self.isVisible() and not self.fillin_open:
                self._focus_check.start()
        super().changeEvent(event)

    def _on_focus_check(self) -> None:
        """Hide when the focus went elsewhere and stayed there (not a passing flicker)."""
        if self.isVisible() and not self.isActiveWindow() and not self.fillin_open:
            log.info("popup lost the focus to %s; hiding", QGuiApplication.focusWindow())
            self.dismiss()

    # --- searching -----------------------------------------------------------

    def _on_text_changed(self, text: str) -> None:
        if not self.fillin_open:
            self._search(text)

    def _search_channel(self) -> str | None:
        return self._settings.default_channel or None

    def _search(self, text: str) -> None:
        if text == self._last_query:
            return
        self._last_query = text
        self._set_mood(
            self._read_mood(text) if self._read_mood and text.strip() else CustomerMood()
        )
        boosts = self._boosts() if self._boosts is not None else None
        channel = self._search_channel()
        if text.strip():
            hits = self._library.search(text, limit=RESULT_LIMIT, channel=channel, boosts=boosts)
        else:
            hits = self._suggestions(boosts or {})
        self.model.set_hits(hits, channel)
        if hits:
            self.pages.setCurrentIndex(PAGE_RESULTS)
            self.list_view.setCurrentIndex(self.model.index(0))
            self.list_view.scrollToTop()
        elif text.strip():
            self._show_empty(f"No reply matches “{text.strip()[:60]}”. Try other words.")
        else:
            self._show_empty(EMPTY_HINT)

    @property
    def mood(self) -> CustomerMood:
        """What the current query says about the customer."""
        return self._mood

    def _set_mood(self, mood: CustomerMood) -> None:
        self._mood = mood
        if mood.cues:
            self.mood_label.setText("The customer sounds: " + " · ".join(mood.cues))
        self.mood_label.setVisible(bool(mood.cues))

    def _suggestions(self, boosts: Mapping[str, float]) -> list[Hit]:
        """Most used and favourite replies, shown before anything is typed."""
        hits: list[Hit] = []
        for full_id, score in sorted(boosts.items(), key=lambda kv: (-kv[1], kv[0])):
            try:
                template = self._library.get(full_id)
            except UnknownTemplateError:  # used once, its pack is gone since
                continue
            hits.append(Hit(template, score, ()))
            if len(hits) >= SUGGESTION_LIMIT:
                break
        return hits

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

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        template = self.model.template(current.row()) if current.isValid() else None
        if template is None:
            self.preview.clear()
            return
        channels = [DEFAULT_VARIANT, *template.channels]
        wanted = self._settings.default_channel
        self._variant = channels.index(wanted) if wanted in template.channels else 0
        self._update_preview(template)

    def _known_values(self) -> dict[str, str]:
        s = self._settings
        return builtin_values(
            agent_name=s.agent_name, agent_signature=s.agent_signature, company=s.company
        )

    def reminders_for(self, template: Template) -> list[str]:
        """Tone reminders: the customer's mood first, then the template's, then its situation's."""
        texts: list[str] = list(self._mood.reminders)
        texts += template.tone
        texts += [r.text for r in self._library.reminders_for(template.situation)]
        return list(dict.fromkeys(t for t in texts if t))

    def _update_preview(self, template: Template, extra: Mapping[str, str] | None = None) -> None:
        channels = [DEFAULT_VARIANT, *template.channels]
        self._variant %= len(channels)
        values = self._known_values()
        values.update({k: v for k, v in (extra or {}).items() if v})
        self.preview.show_reply(
            template.title,
            template.body_for(self.channel_of(template)),
            values,
            channels,
            self._variant,
            self.reminders_for(template),
        )

    def channel_of(self, template: Template) -> str | None:
        """The variant chosen for ``template`` (``None``: the default body)."""
        channels = [DEFAULT_VARIANT, *template.channels]
        index = self._variant % len(channels)
        return None if index == 0 else channels[index]

    def cycle_variant(self, step: int = 1) -> None:
        """Show the next (or previous) channel variant of the current result."""
        template = self.current_template()
        if template is None or not template.channels:
            return
        self._variant = (self._variant + step) % (len(template.channels) + 1)
        self._update_preview(template)

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
        body = template.body_for(self.channel_of(template))
        known = self._known_values()
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
        self._update_preview(template, prefill)

    def _close_fillin(self) -> None:
        self._pending = None
        self.status.setText(KEY_HINT)
        if self.fillin_open:
            has_rows = self.model.rowCount() > 0
            self.pages.setCurrentIndex(PAGE_RESULTS if has_rows else PAGE_EMPTY)
            template = self.current_template()
            if template is not None:
                self._update_preview(template)
            self.search_field.setFocus()

    def _on_fillin_changed(self, values: dict[str, str]) -> None:
        if self._pending is not None:
            self._update_preview(self._pending[0], values)

    def _on_fillin_accepted(self, typed: dict[str, str], copy_only: bool) -> None:
        if self._pending is None:
            return
        template, body, pending_copy = self._pending
        values = self._known_values()
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
        """The popup's keys in results mode; ``True`` when the key was used."""
        key = event.key()
        mods = event.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        if key == Qt.Key.Key_Escape:
            self.dismiss()
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.choose(copy_only=ctrl)
            return True
        if key == Qt.Key.Key_Down:
            self.move_selection(1)
            return True
        if key == Qt.Key.Key_Up:
            self.move_selection(-1)
            return True
        if key == Qt.Key.Key_PageDown:
            self.move_selection(5)
            return True
        if key == Qt.Key.Key_PageUp:
            self.move_selection(-5)
            return True
        if key == Qt.Key.Key_Backtab or (
            key == Qt.Key.Key_Tab and mods & Qt.KeyboardModifier.ShiftModifier
        ):
            self.cycle_variant(-1)
            return True
        if key == Qt.Key.Key_Tab:
            self.cycle_variant(1)
            return True
        if ctrl and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            row = int(key) - int(Qt.Key.Key_1)
            if row < self.model.rowCount():
                self.choose(row)
            return True
        return False

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
