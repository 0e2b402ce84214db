"""The fill-in form: asks for the placeholders a reply still needs, then pastes.

The popup shows it in place of the result list when the chosen reply has
placeholders without values (``core.placeholders.needs_input``). One line
edit per name, prefilled with what the agent typed for that name earlier in
this run (:class:`FillInMemory`); a name with a fallback says what is used
when it is left empty. Enter pastes, Ctrl+Enter copies only, Esc goes back to
the results. Which names are missing is decided by core; the form only shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget


class FillInMemory:
    """Values typed for placeholder names, offered again until the app restarts."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def remember(self, values: Mapping[str, str]) -> None:
        """Keep every non-blank value of ``values``."""
        for name, value in values.items():
            if value.strip():
                self._values[name] = value

    def get(self, name: str) -> str:
        """The last value typed for ``name``, or ``""``."""
        return self._values.get(name, "")

    def values(self) -> dict[str, str]:
        """Every remembered value."""
        return dict(self._values)


def label_for(name: str) -> str:
    """``"order_number"`` → ``"Order number"``, ``"order_id"`` → ``"Order ID"``."""
    words = [w for w in name.split("_") if w]
    if not words:
        return name
    words = ["ID" if w == "id" else w for w in words]
    text = " ".join(words)
    return text[:1].upper() + text[1:]


class FillInForm(QWidget):
    """A compact form for placeholder values.

    Signals:
        accepted(dict, bool): The values typed, and whether to copy only.
        cancelled(): Esc: back to the results.
        changed(dict): The values as they are typed (for a live preview).
    """

    accepted = Signal(dict, bool)
    cancelled = Signal()
    changed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("fillin")
        self._heading = QLabel()
        self._heading.setObjectName("fillinHeading")
        self._heading.setWordWrap(True)
        self._heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self._heading.font()
        font.setBold(True)
        self._heading.setFont(font)
        self._form = QFormLayout()
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self._form.setVerticalSpacing(8)
        self._error = QLabel()
        self._error.setObjectName("fillinError")
        self._error.setWordWrap(True)
        self._error.setTextFormat(Qt.TextFormat.PlainText)
        self._error.setStyleSheet("color: #d04437;")
        self._error.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 12, 14, 10)
        layout.setSpacing(10)
        layout.addWidget(self._heading)
        layout.addLayout(self._form)
        layout.addWidget(self._error)
        note = QLabel(
            "What you type here is offered again for the same names until Tactful restarts."
        )
        note.setObjectName("fillinNote")
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(note)
        layout.addStretch(1)
        self._edits: dict[str, QLineEdit] = {}

    @property
    def names(self) -> list[str]:
        """The names the form asks for, in order."""
        return list(self._edits)

    def edit(self, name: str) -> QLineEdit:
        """The line edit of ``name``."""
        return self._edits[name]

    def start(
        self,
        title: str,
        names: Sequence[str],
        prefill: Mapping[str, str],
        fallbacks: Mapping[str, str | None],
    ) -> None:
        """Ask for ``names`` for the reply ``title``; focus the first empty field."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self._edits = {}
        self._heading.setText(f"Fill in: {title}")
        self._error.hide()
        for name in names:
            edit = QLineEdit()
            edit.setObjectName(f"fillin_{name}")
            edit.setText(prefill.get(name, ""))
            fallback = fallbacks.get(name)
            if fallback is not None:
                shown = f"“{fallback}”" if fallback else "nothing"
                edit.setPlaceholderText(f"optional: empty uses {shown}")
            else:
                edit.setPlaceholderText("needed")
            edit.installEventFilter(self)
            edit.textChanged.connect(self._emit_changed)
            self._form.addRow(label_for(name) + ":", edit)
            edit.show()  # visible now, not after the layout's queued show: it takes the focus
            self._edits[name] = edit
        first_empty = next((e for e in self._edits.values() if not e.text()), None)
        target = first_empty or next(iter(self._edits.values()), None)
        if target is not None:
            target.setFocus()
            target.selectAll()

    def values(self) -> dict[str, str]:
        """The values typed, by name (blank ones included, as ``""``)."""
        return {name: edit.text().strip() for name, edit in self._edits.items()}

    def show_missing(self, names: Sequence[str]) -> None:
        """Say that ``names`` still need a value and focus the first of them."""
        listed = ", ".join(label_for(n) for n in names)
        self._error.setText(f"Still needed: {listed}")
        self._error.show()
        first = self._edits.get(names[0]) if names else None
        if first is not None:
            first.setFocus()

    def _emit_changed(self) -> None:
        self.changed.emit(self.values())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter, Ctrl+Enter and Esc in any field."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                copy_only = bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
                self.accepted.emit(self.values(), copy_only)
                return True
            if key == Qt.Key.Key_Escape:
                self.cancelled.emit()
                return True
        return super().eventFilter(watched, event)
