from __future__ import annotations

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import QListView, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from tactful.core.library import Library
from tactful.core.search import Hit, Span
from tactful.ui.delegate import (
    NUMBER_WIDTH,
    PAD_X,
    PAD_Y,
    ResultDelegate,
    draw_marked,
    star_rect,
    visible_ranges,
)
from tactful.ui.resultmodel import ResultModel
from tactful.ui.theme import contrast, dark_palette, mark_colors, star_color


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


ROW_WIDTH = 220
"""Narrow enough that the longest test title runs into the star's place."""


def _paint_row(
    library: Library, full_id: str, favourites: set[str], palette: QPalette, *, selected: bool
) -> tuple[QImage, QRect]:
    """One result row painted by the delegate; also where its title line's star goes."""
    model = ResultModel(library)
    model.set_favourites(favourites)
    model.set_hits([Hit(library.get(full_id), 1.0, ())])
    delegate = ResultDelegate()
    option = QStyleOptionViewItem()
    option.font = QFont()
    option.palette = palette
    option.state = QStyle.StateFlag.State_Enabled
    if selected:
        option.state |= QStyle.StateFlag.State_Selected
    height = delegate.sizeHint(option, model.index(0)).height()
    option.rect = QRect(0, 0, ROW_WIDTH, height)
    image = QImage(ROW_WIDTH, height, QImage.Format.Format_ARGB32)
    image.fill(palette.color(QPalette.ColorRole.Base))
    painter = QPainter(image)
    delegate.paint(painter, option, model.index(0))
    painter.end()
    title_h = QFontMetrics(delegate_title_font(option.font)).height()
    line = QRect(PAD_X + NUMBER_WIDTH, PAD_Y, ROW_WIDTH - 2 * PAD_X - NUMBER_WIDTH, title_h)
    return image, star_rect(line)


def delegate_title_font(base: QFont) -> QFont:
    font = QFont(base)
    font.setWeight(QFont.Weight.DemiBold)
    return font


@pytest.mark.parametrize("selected", [False, True], ids=["plain", "selected"])
@pytest.mark.parametrize("palette", [QPalette(), dark_palette()], ids=["light", "dark"])
def test_a_favourite_row_carries_a_star_at_the_end_of_its_title_line(
    qtbot: QtBot, library: Library, palette: QPalette, selected: bool
) -> None:
    star = star_color(palette, selected)
    full_id = "test.pack/late-gift"  # a title long enough to reach the star's place
    plain, _ = _paint_row(library, full_id, set(), palette, selected=selected)
    starred, box = _paint_row(library, full_id, {full_id}, palette, selected=selected)
    assert _count(plain, star) == 0
    inside = sum(
        1
        for x in range(box.left(), box.right() + 1)
        for y in range(box.top(), box.bottom() + 1)
        if starred.pixelColor(x, y).rgb() == star.rgb()
    )
    assert inside > box.width() * box.height() // 5  # a filled star, not a speck
    assert _count(starred, star) == inside  # and nowhere else
    # the title is elided before the star: no title text inside its box
    text = palette.color(
        QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    )
    assert any(
        plain.pixelColor(x, y).rgb() == text.rgb()
        for x in range(box.left(), box.right() + 1)
        for y in range(box.top(), box.bottom() + 1)
    )
    assert not any(
        starred.pixelColor(x, y).rgb() == text.rgb()
        for x in range(box.left() - 2, box.right() + 1)
        for y in range(box.top(), box.bottom() + 1)
    )


def test_the_star_stands_out_from_the_row_in_both_schemes() -> None:
    for palette in (QPalette(), dark_palette()):
        for selected in (False, True):
            back = palette.color(
                QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
            )
            assert contrast(star_color(palette, selected), back) >= 3.0
