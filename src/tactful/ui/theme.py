"""Light and dark looks: the theme setting applied to the app, and colours the painters share.

The setting is ``"system"``, ``"light"`` or ``"dark"``. ``"system"`` follows
the desktop's colour scheme (``QStyleHints.colorScheme``) and keeps following
it when it changes; where the platform style does not switch its palette by
itself, Tactful applies a dark palette of its own. The delegate and the
preview pane take their accent colours from :func:`mark_colors` (and the
favourite star its colour from :func:`star_color`), derived from the palette
in use, so text stays readable in both schemes.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleFactory

THEMES = ("system", "light", "dark")


def is_dark(palette: QPalette) -> bool:
    """Whether ``palette`` draws light text on a dark background."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def dark_palette() -> QPalette:
    """Tactful's dark palette (used when the platform does not provide one)."""
    p = QPalette()
    window = QColor(0x2B, 0x2D, 0x31)
    base = QColor(0x1F, 0x21, 0x24)
    text = QColor(0xE8, 0xE8, 0xEA)
    dim = QColor(0x8A, 0x8D, 0x93)
    highlight = QColor(0x3D, 0x7E, 0xD6)
    roles = {
        QPalette.ColorRole.Window: window,
        QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base,
        QPalette.ColorRole.AlternateBase: window,
        QPalette.ColorRole.ToolTipBase: window,
        QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: dim,
        QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor(0x36, 0x38, 0x3D),
        QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor(0xFF, 0x6B, 0x6B),
        QPalette.ColorRole.Link: QColor(0x6C, 0xA8, 0xFF),
        QPalette.ColorRole.Highlight: highlight,
        QPalette.ColorRole.HighlightedText: QColor(0xFF, 0xFF, 0xFF),
        QPalette.ColorRole.Light: QColor(0x45, 0x48, 0x4E),
        QPalette.ColorRole.Midlight: QColor(0x3A, 0x3C, 0x41),
        QPalette.ColorRole.Mid: QColor(0x2F, 0x31, 0x35),
        QPalette.ColorRole.Dark: QColor(0x18, 0x19, 0x1B),
        QPalette.ColorRole.Shadow: QColor(0x0B, 0x0B, 0x0C),
    }
    for role, colour in roles.items():
        p.setColor(QPalette.ColorGroup.All, role, colour)
    for role in (
        QPalette.ColorRole.Text,
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.ButtonText,
    ):
        p.setColor(QPalette.ColorGroup.Disabled, role, dim)
    return p


def mark_colors(palette: QPalette) -> tuple[QColor, QColor]:
    """Background and text colour for highlighted matches and placeholders."""
    if is_dark(palette):
        return QColor(0x6B, 0x55, 0x12), QColor(0xFF, 0xF4, 0xD0)
    return QColor(0xFF, 0xE5, 0x8A), QColor(0x20, 0x1A, 0x00)


STAR_COLOURS = (QColor(0xC7, 0x84, 0x00), QColor(0xFF, 0xC8, 0x3D), QColor(0xFF, 0xF0, 0xB0))
"""The favourite star's ambers, deepest first."""
STAR_CONTRAST = 3.0
"""The contrast a star needs against its row (WCAG's minimum for graphics)."""


def luminance(colour: QColor) -> float:
    """The relative luminance of ``colour`` (0 black to 1 white, as WCAG defines it)."""

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.redF())
        + 0.7152 * linear(colour.greenF())
        + 0.0722 * linear(colour.blueF())
    )


def contrast(one: QColor, other: QColor) -> float:
    """The WCAG contrast ratio of two colours (1 to 21)."""
    a, b = sorted((luminance(one), luminance(other)))
    return (b + 0.05) / (a + 0.05)


def star_color(palette: QPalette, selected: bool = False) -> QColor:
    """The favourite star's amber: the deepest one that stands out from the row's background."""
    back_role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
    back = palette.color(back_role)
    for colour in STAR_COLOURS:
        if contrast(colour, back) >= STAR_CONTRAST:
            return QColor(colour)
    return QColor(max(STAR_COLOURS, key=lambda colour: contrast(colour, back)))


def dim_color(palette: QPalette, selected: bool = False) -> QColor:
    """A secondary text colour (situation, pack, hints) readable on the row background."""
    role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    text = palette.color(role)
    back_role = QPalette.ColorRole.Highlight if selected else QPalette.ColorRole.Base
    back = palette.color(back_role)
    # Two thirds of the way from the background to the text: clearly secondary,
    # still well above the contrast of a disabled label.
    return QColor(
        (back.red() + 2 * text.red()) // 3,
        (back.green() + 2 * text.green()) // 3,
        (back.blue() + 2 * text.blue()) // 3,
    )


class ThemeManager(QObject):
    """Applies the theme setting and follows the desktop's scheme for ``"system"``.

    Args:
        app: The application whose style and palette are set.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._theme = "system"
        self._original_style = app.style().name()
        self._original_palette = QPalette(app.palette())
        hints = QGuiApplication.styleHints()
        hints.colorSchemeChanged.connect(self._on_scheme_changed)

    @property
    def theme(self) -> str:
        """The theme setting in effect."""
        return self._theme

    def effective_scheme(self) -> Qt.ColorScheme:
        """Light or dark, as this theme resolves right now."""
        if self._theme == "dark":
            return Qt.ColorScheme.Dark
        if self._theme == "light":
            return Qt.ColorScheme.Light
        scheme = QGuiApplication.styleHints().colorScheme()
        return Qt.ColorScheme.Dark if scheme == Qt.ColorScheme.Dark else Qt.ColorScheme.Light

    def apply(self, theme: str) -> None:
        """Use ``theme`` (``"system"``, ``"light"`` or ``"dark"``; anything else is "system")."""
        self._theme = theme if theme in THEMES else "system"
        dark = self.effective_scheme() == Qt.ColorScheme.Dark
        if is_dark(self._original_palette) == dark:
            # The platform style already draws this scheme: keep the native look.
            self._set_style(self._original_style)
            self._app.setPalette(self._original_palette)
            return
        self._set_style("Fusion")
        fusion = self._app.style()
        self._app.setPalette(dark_palette() if dark else fusion.standardPalette())

    def _set_style(self, name: str) -> None:
        if self._app.style().name().lower() == name.lower():
            return
        style = QStyleFactory.create(name)
        if style is not None:
            self._app.setStyle(style)

    def _on_scheme_changed(self, _scheme: Qt.ColorScheme) -> None:
        if self._theme == "system":
            self.apply("system")
