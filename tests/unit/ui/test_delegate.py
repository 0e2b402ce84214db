from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from tactful.core.library import Library
from tactful.core.search import Hit, Span
from tactful.ui.delegate import ResultDelegate, draw_marked, visible_ranges
from tactful.ui.resultmodel import ResultModel
from tactful.ui.theme import dark_palette, mark_colors


@pytest.mark.parametrize(
    ("spans", "full", "shown", "expected"),
    [
        ([(0, 4)], "late parcel", "late parcel", [(0, 4)]),
        ([(5, 11), (0, 4)], "late parcel", "late parcel", [(0, 4), (5, 6)]),
        # overlapping and touching spans merge
        ([(0, 4), (2, 6), (6, 8)], "abcdefghij", "abcdefghij", [(0, 8)]),
        # elided: the part after the cut is gone, a straddling span is shortened
        (
            [(0, 4), (5, 11), (20, 25)],
            "late parcel for the birthday",
            "late par…",
            [(0, 4), (5, 3)],
        ),
        # nothing visible
        ([(9, 12)], "late parcel", "late…", []),
        # bad input is clipped, not trusted
        ([(-3, 2), (4, 4), (6, 99)], "abcdefgh", "abcdefgh", [(0, 2), (6, 2)]),
    ],
)
def test_visible_ranges(
    spans: list[tuple[int, int]], full: str, shown: str, expected: list[tuple[int, int]]
) -> None:
    assert visible_ranges(spans, full, shown) == expected


def _paint(text: str, spans: list[tuple[int, int]], palette: QPalette, width: int = 400) -> QImage:
    image = QImage(width, 30, QImage.Format.Format_ARGB32)
    image.fill(palette.color(QPalette.ColorRole.Base))
    painter = QPainter(image)
    draw_marked(
        painter,
        QRect(0, 0, width, 30),
        text,
        spans,
        QFont(),
        palette.color(QPalette.ColorRole.Text),
        palette,
    )
    painter.end()
    return image


def _count(image: QImage, colour: QColor) -> int:
    return sum(
        1
        for x in range(image.width())
        for y in range(image.height())
        if image.pixelColor(x, y).rgb() == colour.rgb()
    )


@pytest.mark.parametrize("palette", [QPalette(), dark_palette()], ids=["light", "dark"])
def test_spans_are_painted_with_the_mark_colour(qtbot: QtBot, palette: QPalette) -> None:
    back, _fore = mark_colors(palette)
    plain = _paint("late parcel for the birthday", [], palette)
    marked = _paint("late parcel for the birthday", [(5, 11)], palette)
    assert _count(plain, back) == 0
    assert _count(marked, back) > 50
    # the mark covers the word's place, not the start of the line
    first_x = min(
        x
        for x in range(marked.width())
        for y in range(30)
        if marked.pixelColor(x, y).rgb() == back.rgb()
    )
    assert first_x >= QFontMetrics(QFont()).horizontalAdvance("late") - 1


def test_span_in_the_elided_part_is_not_painted(qtbot: QtBot) -> None:
    palette = QPalette()
    back, _ = mark_colors(palette)
    text = "a long line of words " * 10 + "refund"
    image = _paint(text, [(len(text) - 6, len(text))], palette, width=200)
    assert _count(image, back) == 0


def test_mark_colours_keep_contrast_in_both_schemes() -> None:
    for palette in (QPalette(), dark_palette()):
        back, fore = mark_colors(palette)
        assert abs(back.lightness() - fore.lightness()) > 120


def test_rows_have_room_for_three_lines(qtbot: QtBot, library: Library) -> None:
    model = ResultModel(library)
    model.set_hits([Hit(library.get("test.pack/refund"), 1.0, (Span("title", 0, 6),))])
    view = QListView()
    qtbot.addWidget(view)
    view.setModel(model)
    delegate = ResultDelegate(view)
    view.setItemDelegate(delegate)
    option = QStyleOptionViewItem()
    option.font = view.font()
    height = delegate.sizeHint(option, model.index(0)).height()
    assert height >= 3 * QFontMetrics(view.font()).height()
    view.resize(400, 200)
    view.show()
    qtbot.waitExposed(view)
    grabbed = view.grab().toImage()  # paints every role without errors
    assert not grabbed.isNull()
