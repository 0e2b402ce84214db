"""The popup's widgets and their layout, built once; no behaviour.

:class:`PopupLayout` builds what the agent sees inside the popup window, top
to bottom: the search field, the customer's mood line, then side by side the
pages (result list, empty hint, fill-in form) and the preview, and the key
hint at the bottom. :class:`~tactful.ui.popup.Popup` connects the signals
and decides what each shows.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QSize, Qt
from PySide6.QtGui import QIcon, QPalette
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

from tactful.ui.delegate import ResultDelegate
from tactful.ui.fillin import FillInForm
from tactful.ui.mood import MoodBar
from tactful.ui.popup_keys import KEY_HINT
from tactful.ui.preview import PreviewPane

POPUP_SIZE = QSize(920, 540)
SEARCH_PLACEHOLDER = "Describe the situation or paste the customer's message"
PAGE_RESULTS, PAGE_EMPTY, PAGE_FILLIN = 0, 1, 2
"""The pages left of the preview, by index."""


class PopupLayout:
    """Builds the popup's widgets into ``window`` and keeps them by name.

    Args:
        window: The popup window; it gets a frame holding everything.
        model: The result model the list shows.
    """

    def __init__(self, window: QWidget, model: QAbstractItemModel) -> None:
        frame = QFrame(window)
        frame.setObjectName("popupFrame")
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(window)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)

        self.search_field = search_field()
        self.mood_label = MoodBar()
        self.list_view = result_view(model)
        self.empty_label = QLabel()
        self.empty_label.setObjectName("emptyHint")
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.empty_label.setContentsMargins(24, 24, 24, 24)
        self.fillin = FillInForm()
        self.pages = QStackedWidget()
        for page in (self.list_view, self.empty_label, self.fillin):  # PAGE_* order
            self.pages.addWidget(page)
        self.preview = PreviewPane()
        self.status = QLabel(KEY_HINT)
        self.status.setObjectName("keyHint")
        self.status.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.status.setTextFormat(Qt.TextFormat.PlainText)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(self.pages)
        splitter.addWidget(self.preview)
        splitter.setStretchFactor(0, 11)
        splitter.setStretchFactor(1, 9)
        splitter.setSizes([500, 420])
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(1, 1, 1, 1)
        layout.setSpacing(0)
        layout.addLayout(_row(self.search_field, (12, 12, 12, 6)))
        layout.addLayout(_row(self.mood_label, (12, 0, 12, 6)))
        layout.addWidget(splitter, 1)
        layout.addLayout(_row(self.status, (14, 4, 14, 8)))
        window.resize(POPUP_SIZE)


def _row(widget: QWidget, margins: tuple[int, int, int, int]) -> QHBoxLayout:
    row = QHBoxLayout()
    row.setContentsMargins(*margins)
    row.addWidget(widget, 1)
    return row


def search_field() -> QLineEdit:
    """The large search field, with a clear button and a find icon where the theme has one."""
    field = QLineEdit()
    field.setObjectName("search")
    field.setPlaceholderText(SEARCH_PLACEHOLDER)
    field.setClearButtonEnabled(True)
    find_icon = QIcon.fromTheme("edit-find")
    if not find_icon.isNull():
        field.addAction(find_icon, QLineEdit.ActionPosition.LeadingPosition)
    font = field.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    field.setFont(font)
    field.setMinimumHeight(44)
    return field


def result_view(model: QAbstractItemModel) -> QListView:
    """The result list: one selection, painted by the delegate, never focused itself."""
    view = QListView()
    view.setObjectName("results")
    view.setModel(model)
    view.setItemDelegate(ResultDelegate(view))
    view.setUniformItemSizes(True)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    view.setFrameShape(QFrame.Shape.NoFrame)
    view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return view
