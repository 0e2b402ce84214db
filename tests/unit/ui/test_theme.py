from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from tactful.ui.theme import ThemeManager, dim_color, is_dark


@pytest.fixture
def theme(qtbot: QtBot) -> Iterator[ThemeManager]:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    manager = ThemeManager(app)
    try:
        yield manager
    finally:
        manager.apply("system")  # the app's own look again for the other tests
        manager.setParent(None)


def test_dark_and_light_switch_the_palette(theme: ThemeManager) -> None:
    theme.apply("dark")
    assert theme.effective_scheme() == Qt.ColorScheme.Dark
    assert is_dark(QApplication.palette())
    theme.apply("light")
    assert theme.effective_scheme() == Qt.ColorScheme.Light
    assert not is_dark(QApplication.palette())


def test_unknown_theme_means_system(theme: ThemeManager) -> None:
    theme.apply("purple")
    assert theme.theme == "system"


def test_system_follows_the_desktop_scheme(theme: ThemeManager) -> None:
    hints = QApplication.styleHints()
    theme.apply("system")
    expected_dark = hints.colorScheme() == Qt.ColorScheme.Dark
    assert is_dark(QApplication.palette()) == expected_dark


def test_secondary_text_sits_between_text_and_background(theme: ThemeManager) -> None:
    for name in ("light", "dark"):
        theme.apply(name)
        palette = QApplication.palette()
        dim = dim_color(palette).lightness()
        text = palette.color(palette.ColorRole.Text).lightness()
        base = palette.color(palette.ColorRole.Base).lightness()
        assert min(text, base) < dim < max(text, base)
