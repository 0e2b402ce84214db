"""The settings window: hotkey, pasting, the agent's details, channel, login, theme, breaks.

It edits a copy of :class:`~tactful.core.settings.Settings`; OK hands the new
settings to the ``apply`` callback the app gives it (which re-registers the
hotkey, switches start-at-login and writes ``settings.toml`` atomically
through core) and closes only when that succeeded. A hotkey another program
holds comes back as an error and is shown next to the hotkey, not ignored.
The window also says which hotkey backend is active and why each other one
is not, and how replies get pasted on this desktop.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tactful.core.settings import Settings


@dataclass(frozen=True, slots=True)
class ApplyProblem:
    """Why settings could not be applied.

    Attributes:
        message: What went wrong, for the user.
        field: ``"hotkey"`` when the hotkey is the problem (shown beside it),
            ``""`` for anything else (shown at the top).
    """

    message: str
    field: str = ""


ApplySettings = Callable[[Settings], "ApplyProblem | None"]
"""Applies and saves settings; returns the problem, or ``None`` on success."""

PASTE_CHOICES = (
    ("auto", "Paste into the window I came from"),
    ("copy", "Only copy to the clipboard"),
)
THEME_CHOICES = (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark"))
ERROR_STYLE = "color: #d04437;"


def _muted(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # secondary, still readable
    return label


class SettingsWindow(QDialog):
    """Edits the settings.

    Args:
        settings: The settings in effect.
        apply: Called by OK with the edited settings.
        channels: Channel names the library's templates have (for the default channel).
        parent: Qt parent.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        apply: ApplySettings,
        channels: Sequence[str] = ("chat", "email"),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Tactful settings")
        self.setObjectName("settingsWindow")
        self._apply = apply
        self._settings = settings
        self._channels = list(dict.fromkeys(channels))
        self._build()
        self.load(settings)

    # --- construction ---------------------------------------------------

    def _build(self) -> None:
        self.notice = QLabel()
        self.notice.setObjectName("settingsNotice")
        self.notice.setWordWrap(True)
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        self.notice.setStyleSheet(ERROR_STYLE)
        self.notice.hide()

        self.hotkey = QKeySequenceEdit()
        self.hotkey.setObjectName("hotkey")
        self.hotkey.setMaximumSequenceLength(1)
        self.hotkey.setClearButtonEnabled(True)
        self.hotkey_error = QLabel()
        self.hotkey_error.setObjectName("hotkeyError")
        self.hotkey_error.setWordWrap(True)
        self.hotkey_error.setTextFormat(Qt.TextFormat.PlainText)
        self.hotkey_error.setStyleSheet(ERROR_STYLE)
        self.hotkey_error.hide()
        self.hotkey_backend = _muted()
        self.hotkey_backend.setObjectName("hotkeyBackend")
        self.hotkey_backend.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        hotkey_box = QGroupBox("Global hotkey")
        hotkey_layout = QVBoxLayout(hotkey_box)
        hotkey_row = QHBoxLayout()
        hotkey_row.addWidget(QLabel("Open the search popup with:"))
        hotkey_row.addWidget(self.hotkey, 1)
        hotkey_layout.addLayout(hotkey_row)
        hotkey_layout.addWidget(self.hotkey_error)
        hotkey_layout.addWidget(self.hotkey_backend)

        self.paste_method = QComboBox()
        self.paste_method.setObjectName("pasteMethod")
        for value, text in PASTE_CHOICES:
            self.paste_method.addItem(text, value)
        self.paste_status = _muted()
        self.paste_status.setObjectName("pasteStatus")
        self.overrides = QTableWidget(0, 2)
        self.overrides.setObjectName("pasteOverrides")
        self.overrides.setHorizontalHeaderLabels(["Window class", "Paste keys"])
        self.overrides.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.overrides.verticalHeader().hide()
        self.overrides.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.overrides.setMaximumHeight(110)
        self.overrides.setToolTip(
            "Paste keys for windows of a class, such as  xterm → shift+insert. "
            "Terminals already get ctrl+shift+v, everything else ctrl+v."
        )
        add = QPushButton("Add")
        add.setObjectName("addOverride")
        add.clicked.connect(lambda: self.add_override_row())
        remove = QPushButton("Remove")
        remove.setObjectName("removeOverride")
        remove.clicked.connect(self._remove_override_row)
        buttons = QVBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        table_row = QHBoxLayout()
        table_row.addWidget(self.overrides, 1)
        table_row.addLayout(buttons)
        paste_box = QGroupBox("Pasting")
        paste_form = QFormLayout(paste_box)
        paste_form.addRow("After choosing a reply:", self.paste_method)
        paste_form.addRow(self.paste_status)
        paste_form.addRow(_muted("Paste keys for particular windows:"))
        paste_form.addRow(table_row)

        self.agent_name = QLineEdit()
        self.agent_name.setObjectName("agentName")
        self.agent_name.setPlaceholderText("fills {agent_name}")
        self.signature = QPlainTextEdit()
        self.signature.setObjectName("agentSignature")
        self.signature.setPlaceholderText("fills {agent_signature}; your name when empty")
        self.signature.setTabChangesFocus(True)
        self.signature.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.company = QLineEdit()
        self.company.setObjectName("company")
        self.company.setPlaceholderText("fills {company}")
        self.default_channel = QComboBox()
        self.default_channel.setObjectName("defaultChannel")
        self.default_channel.addItem("Default text", "")
        for name in self._channels:
            self.default_channel.addItem(name.capitalize(), name)
        you_box = QGroupBox("You and your replies")
        you_form = QFormLayout(you_box)
        you_form.addRow("Your name:", self.agent_name)
        you_form.addRow("Signature:", self.signature)
        you_form.addRow("Company:", self.company)
        you_form.addRow("Variant shown first:", self.default_channel)

        self.start_at_login = QCheckBox("Start Tactful when I log in")
        self.start_at_login.setObjectName("startAtLogin")
        self.theme = QComboBox()
        self.theme.setObjectName("theme")
        for value, text in THEME_CHOICES:
            self.theme.addItem(text, value)
        app_box = QGroupBox("App")
        app_form = QFormLayout(app_box)
        app_form.addRow(self.start_at_login)
        app_form.addRow("Theme:", self.theme)

        self.break_reminders = QCheckBox("Remind me to take a break after")
        self.break_reminders.setObjectName("breakReminders")
        self.break_minutes = QSpinBox()
        self.break_minutes.setObjectName("breakMinutes")
        self.break_minutes.setRange(1, 24 * 60)
        self.break_minutes.setSuffix(" minutes")
        self.break_reminders.toggled.connect(self.break_minutes.setEnabled)
        self.reset_card = QCheckBox("Offer a short reset card after an angry message")
        self.reset_card.setObjectName("resetCard")
        break_row = QHBoxLayout()
        break_row.addWidget(self.break_reminders)
        break_row.addWidget(self.break_minutes)
        break_row.addStretch(1)
        wellbeing_box = QGroupBox("Wellbeing")
        wellbeing_layout = QVBoxLayout(wellbeing_box)
        wellbeing_layout.addLayout(break_row)
        wellbeing_layout.addWidget(self.reset_card)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.setSpacing(14)
        left = QVBoxLayout()
        left.addWidget(hotkey_box)
        left.addWidget(paste_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(you_box)
        right.addWidget(app_box)
        right.addWidget(wellbeing_box)
        right.addStretch(1)
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 12)
        layout.addWidget(self.notice)
        layout.addLayout(columns, 1)
        layout.addWidget(self.buttons)
        self.resize(860, 480)

    # --- values in and out ------------------------------------------------

    def load(self, settings: Settings) -> None:
        """Show ``settings`` in the widgets."""
        self._settings = settings
        self.hotkey.setKeySequence(QKeySequence.fromString(settings.hotkey))
        self._select(self.paste_method, settings.paste_method)
        self.overrides.setRowCount(0)
        for window_class, keys in settings.paste_overrides.items():
            self.add_override_row(window_class, keys)
        self.agent_name.setText(settings.agent_name)
        self.signature.setPlainText(settings.agent_signature)
        self.company.setText(settings.company)
        if settings.default_channel and self.default_channel.findData(settings.default_channel) < 0:
            self.default_channel.addItem(
                settings.default_channel.capitalize(), settings.default_channel
            )
        self._select(self.default_channel, settings.default_channel)
        self.start_at_login.setChecked(settings.start_at_login)
        self._select(self.theme, settings.theme)
        self.break_reminders.setChecked(settings.break_reminders)
        self.break_minutes.setValue(settings.break_after_minutes)
        self.break_minutes.setEnabled(settings.break_reminders)
        self.reset_card.setChecked(settings.reset_card)
        self.hotkey_error.hide()

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        combo.setCurrentIndex(max(index, 0))

    def hotkey_text(self) -> str:
        """The hotkey as Qt's portable text (``""`` when cleared)."""
        return self.hotkey.keySequence().toString(QKeySequence.SequenceFormat.PortableText)

    def overrides_value(self) -> dict[str, str]:
        """The per-window-class paste keys; rows with an empty class are skipped."""
        out: dict[str, str] = {}
        for row in range(self.overrides.rowCount()):
            cls_item = self.overrides.item(row, 0)
            keys_item = self.overrides.item(row, 1)
            window_class = cls_item.text().strip() if cls_item is not None else ""
            keys = keys_item.text().strip() if keys_item is not None else ""
            if window_class:
                out[window_class] = keys
        return out

    def edited(self) -> Settings:
        """The settings as the widgets show them now."""
        return self._settings.updated(
            hotkey=self.hotkey_text(),
            paste_method=str(self.paste_method.currentData()),
            paste_overrides=self.overrides_value(),
            agent_name=self.agent_name.text().strip(),
            agent_signature=self.signature.toPlainText().strip(),
            company=self.company.text().strip(),
            default_channel=str(self.default_channel.currentData() or ""),
            start_at_login=self.start_at_login.isChecked(),
            theme=str(self.theme.currentData()),
            break_reminders=self.break_reminders.isChecked(),
            break_after_minutes=self.break_minutes.value(),
            reset_card=self.reset_card.isChecked(),
        )

    def add_override_row(self, window_class: str = "", keys: str = "") -> None:
        """Add a row to the paste-keys table (and start editing it when empty)."""
        row = self.overrides.rowCount()
        self.overrides.insertRow(row)
        class_item = QTableWidgetItem(window_class)
        self.overrides.setItem(row, 0, class_item)
        self.overrides.setItem(row, 1, QTableWidgetItem(keys or ("" if window_class else "ctrl+v")))
        if not window_class:
            self.overrides.setCurrentCell(row, 0)
            self.overrides.editItem(class_item)

    def _remove_override_row(self) -> None:
        row = self.overrides.currentRow()
        if row >= 0:
            self.overrides.removeRow(row)

    # --- status from the app --------------------------------------------------

    def set_hotkey_status(
        self, active: str, passed_over: Sequence[tuple[str, str]], error: str = ""
    ) -> None:
        """Say which hotkey backend is active, why the others are not, and any error."""
        lines = [f"Active backend: {active}"]
        if passed_over:
            lines.append("Not used:")
            lines += [f"  •  {name}: {reason}" for name, reason in passed_over]
        lines.append("On any desktop you can also bind “tactful toggle” to a shortcut.")
        self.hotkey_backend.setText("\n".join(lines))
        self.show_hotkey_error(error)

    def show_hotkey_error(self, error: str) -> None:
        """Show (or clear, with ``""``) a problem with the hotkey."""
        self.hotkey_error.setText(error)
        self.hotkey_error.setVisible(bool(error))

    def set_paste_status(self, text: str) -> None:
        """Say how replies get pasted on this desktop."""
        self.paste_status.setText(text)

    def set_notice(self, text: str) -> None:
        """Show (or clear) a notice above everything, such as an unreadable settings file."""
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    # --- OK ------------------------------------------------------------------

    def save(self) -> None:
        """Apply the edited settings; close on success, show the problem otherwise."""
        problem = self._apply(self.edited())
        if problem is not None:
            if problem.field == "hotkey":
                self.show_hotkey_error(problem.message)
                self.hotkey.setFocus()
            else:
                self.set_notice(problem.message)
            return
        self.show_hotkey_error("")
        self.set_notice("")
        self._settings = self.edited()
        self.accept()

    def open_window(self, settings: Settings) -> None:
        """Show the window with ``settings`` loaded, raised and focused."""
        if not self.isVisible():
            self.load(settings)
        self.show()
        self.raise_()
        self.activateWindow()
