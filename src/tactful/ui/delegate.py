"""How one search result is painted: title, one-line preview, situation and pack.

A favourite carries a small star at the right end of its title line
(:func:`star_rect`, :func:`draw_star`); its title is elided before the star.

The matched words are highlighted from the spans core computed (see
:mod:`tactful.ui.resultmodel`), after eliding: a span that falls into the cut
part is dropped, one that straddles the cut is shortened (:func:`visible_ranges`).
Rows 1 to 9 carry a small number, the Ctrl+number that picks them. Colours
come from the palette and :mod:`tactful.ui.theme`, so rows read well in light
and dark schemes, selected or not.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPointF, QRect, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QPolygonF,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from tactful.ui.resultmodel import Role
from tactful.ui.theme import dim_color, mark_colors, star_color

PAD_X = 10
PAD_Y = 7
LINE_GAP = 3
NUMBER_WIDTH = 18
STAR_GAP = 6
"""Space between an elided title and the favourite star."""
ELLIPSIS = "…"

Range = tuple[int, int]


def visible_ranges(spans: Sequence[Range], full: str, shown: str) -> list[Range]:
    """The parts of ``spans`` (offsets into ``full``) visible in ``shown``, as (start, length).

    ``shown`` is ``full`` elided on the right: its text up to the final
    ellipsis is a prefix of ``full``. Ranges are sorted, merged where they
    overlap, and clipped to that prefix.
    """
    visible = len(shown)
    if shown != full and shown.endswith(ELLIPSIS):
        visible = len(shown) - 1
    visible = min(visible, len(full))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        start, end = max(0, start), min(end, visible)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e - s) for s, e in merged]


def draw_marked(
    painter: QPainter,
    rect: QRect,
    text: str,
    spans: Sequence[Range],
    font: QFont,
    color: QColor,
    palette: QPalette,
) -> None:
    """Draw ``text`` elided into ``rect`` with ``spans`` highlighted."""
    metrics = QFontMetrics(font)
    shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
    layout = QTextLayout(shown, font)
    back, fore = mark_colors(palette)
    formats: list[QTextLayout.FormatRange] = []
    for start, length in visible_ranges(spans, text, shown):
        fmt = QTextCharFormat()
        fmt.setBackground(back)
        fmt.setForeground(fore)
        part = QTextLayout.FormatRange()
        part.start, part.length, part.format = start, length, fmt
        formats.append(part)
    layout.setFormats(formats)
    layout.beginLayout()
    line = layout.createLine()
    if line.isValid():
        line.setLineWidth(rect.width() + metrics.horizontalAdvance(ELLIPSIS))
    layout.endLayout()
    painter.save()
    painter.setPen(color)
    painter.setClipRect(rect)
    top = rect.top() + (rect.height() - metrics.height()) / 2
    layout.draw(painter, QPointF(rect.left(), top))
    painter.restore()


def star_rect(title_line: QRect) -> QRect:
    """The square at the right end of ``title_line`` where a favourite's star goes."""
    side = max(8, title_line.height() - 2)
    return QRect(
        title_line.right() - side + 1,
        title_line.top() + (title_line.height() - side) // 2,
        side,
        side,
    )


def star_points(box: QRect) -> QPolygonF:
    """A five-pointed star filling ``box``, point up."""
    centre = QPointF(box.left() + box.width() / 2, box.top() + box.height() / 2 + box.height() / 20)
    outer = min(box.width(), box.height()) / 2
    inner = outer * 0.5
    points = []
    for i in range(10):
        radius = outer if i % 2 == 0 else inner
        angle = math.pi / 2 + i * math.pi / 5
        points.append(
            QPointF(centre.x() + radius * math.cos(angle), centre.y() - radius * math.sin(angle))
        )
    return QPolygonF(points)


def draw_star(painter: QPainter, box: QRect, color: QColor) -> None:
    """Paint a filled star in ``box``."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPolygon(star_points(box))
    painter.restore()


class ResultDelegate(QStyledItemDelegate):
    """Paints :class:`~tactful.ui.resultmodel.ResultModel` rows."""

    def _fonts(self, option: QStyleOptionViewItem) -> tuple[QFont, QFont, QFont]:
        base = QFont(option.font)
        title = QFont(base)
        title.setWeight(QFont.Weight.DemiBold)
        small = QFont(base)
        size = base.pointSizeF()
        if size > 0:
            small.setPointSizeF(max(size - 1.0, 7.0))
        return title, base, small

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Three lines of text (title, preview, situation · pack) with padding."""
        title, body, small = self._fonts(option)
        height = (
            QFontMetrics(title).height()
            + QFontMetrics(body).height()
            + QFontMetrics(small).height()
            + 2 * LINE_GAP
            + 2 * PAD_Y
        )
        return QSize(320, height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Paint the row: background, number, title (and a favourite's star), preview, meta."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, widget)

        palette: QPalette = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        text_color = palette.color(text_role)
        dim = dim_color(palette, selected)
        title_font, body_font, small_font = self._fonts(opt)
        rect: QRect = opt.rect
        inner = rect.adjusted(PAD_X, PAD_Y, -PAD_X, -PAD_Y)
        title_h = QFontMetrics(title_font).height()
        body_h = QFontMetrics(body_font).height()
        small_h = QFontMetrics(small_font).height()

        row = index.row()
        if row < 9:
            painter.save()
            painter.setFont(small_font)
            painter.setPen(dim)
            number_rect = QRect(inner.left(), inner.top(), NUMBER_WIDTH, title_h)
            align = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
            painter.drawText(number_rect, int(align), str(row + 1))
            painter.restore()
        inner.setLeft(inner.left() + NUMBER_WIDTH)

        top = inner.top()
        title_line = QRect(inner.left(), top, inner.width(), title_h)
        if index.data(Role.FAVOURITE):
            star = star_rect(title_line)
            draw_star(painter, star, star_color(palette, selected))
            title_line.setRight(star.left() - STAR_GAP)
        draw_marked(
            painter,
            title_line,
            str(index.data(Role.TITLE) or ""),
            index.data(Role.TITLE_SPANS) or [],
            title_font,
            text_color,
            palette,
        )
        top += title_h + LINE_GAP
        draw_marked(
            painter,
            QRect(inner.left(), top, inner.width(), body_h),
            str(index.data(Role.PREVIEW) or ""),
            index.data(Role.PREVIEW_SPANS) or [],
            body_font,
            text_color if selected else dim,
            palette,
        )
        top += body_h + LINE_GAP
        meta = " · ".join(p for p in (index.data(Role.SITUATION), index.data(Role.PACK)) if p)
        draw_marked(
            painter,
            QRect(inner.left(), top, inner.width(), small_h),
            meta,
            [],
            small_font,
            dim,
            palette,
        )
