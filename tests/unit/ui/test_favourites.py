"""Favourites in the assembled app: Ctrl+D, the star, the ranking lift, the saved file."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from tactful.app import TactfulApp
from tactful.core.library import Library
from tactful.core.usage import UsageStore
from tactful.desktop.notify import FakeNotifier
from tactful.paths import Paths
from tactful.ui.popup import Popup
from tactful.ui.resultmodel import Role

from .conftest import PACK, fake_services

CTRL = Qt.KeyboardModifier.ControlModifier
REFUND = "test.pack/refund"
THANKS = "test.pack/thanks"
LATE_GIFT = "test.pack/late-gift"

StartApp = Callable[[], TactfulApp]


@pytest.fixture
def start_app(qtbot: QtBot, paths: Paths) -> Iterator[StartApp]:
    """Start the app (again) on the same base directory; everything started is shut down."""
    started: list[TactfulApp] = []

    def start() -> TactfulApp:
        app = TactfulApp(paths, fake_services(), library_loader=lambda _p: Library([PACK]))
        started.append(app)
        return app

    yield start
    for app in started:
        app.shutdown()
        for box in app.messages.open_dialogs:
            box.close()
        if app.no_tray_notice is not None:
            app.no_tray_notice.close()


def _search(qtbot: QtBot, popup: Popup, query: str) -> None:
    popup.summon()
    qtbot.waitExposed(popup)
    popup.search_field.setText(query)


def _ids(popup: Popup) -> list[str]:
    return [popup.model.template(r).full_id for r in range(popup.model.rowCount())]  # type: ignore[union-attr]


def _starred(popup: Popup) -> set[str]:
    model = popup.model
    return {
        model.index(r).data(Role.TEMPLATE).full_id
        for r in range(model.rowCount())
        if model.index(r).data(Role.FAVOURITE)
    }


def _ctrl_d(popup: Popup) -> None:
    QTest.keyClick(popup.search_field, Qt.Key.Key_D, CTRL)


def test_ctrl_d_marks_the_selected_reply_and_again_unmarks_it(
    qtbot: QtBot, start_app: StartApp, paths: Paths
) -> None:
    app = start_app()
    popup = app.popup
    _search(qtbot, popup, "refund wait")
    QTest.keyClick(popup.search_field, Qt.Key.Key_Down)
    assert popup.current_template().full_id == REFUND  # type: ignore[union-attr]
    _ctrl_d(popup)
    assert app.usage.favourites() == {REFUND}
    assert _starred(popup) == {REFUND}
    assert popup.current_template().full_id == REFUND  # type: ignore[union-attr]
    assert popup.search_field.text() == "refund wait"  # Ctrl+D is not typed into the field
    _ctrl_d(popup)
    assert app.usage.favourites() == set()
    assert _starred(popup) == set()
    assert popup.current_template().full_id == REFUND  # type: ignore[union-attr]


def test_a_favourite_is_lifted_at_once_and_stays_selected(
    qtbot: QtBot, start_app: StartApp
) -> None:
    app = start_app()
    popup = app.popup
    _search(qtbot, popup, "refund wait")
    assert _ids(popup) == [THANKS, REFUND]
    QTest.keyClick(popup.search_field, Qt.Key.Key_Down)
    _ctrl_d(popup)
    assert _ids(popup) == [REFUND, THANKS]
    assert popup.current_row() == 0
    assert popup.preview.title.text() == "Refund sent today"
    _ctrl_d(popup)  # unmarked: back to the plain ranking, still on the same reply
    assert _ids(popup) == [THANKS, REFUND]
    assert popup.current_row() == 1


def test_the_variant_shown_survives_the_new_ranking(qtbot: QtBot, start_app: StartApp) -> None:
    app = start_app()
    popup = app.popup
    _search(qtbot, popup, "refund wait")
    assert popup.current_template().full_id == THANKS  # type: ignore[union-attr]
    popup.cycle_variant(1)
    assert popup.channel == "chat"
    _ctrl_d(popup)
    assert popup.current_template().full_id == THANKS  # type: ignore[union-attr]
    assert popup.channel == "chat"


def test_a_favourite_never_buries_a_much_better_match(qtbot: QtBot, start_app: StartApp) -> None:
    app = start_app()
    popup = app.popup
    _search(qtbot, popup, "sent")
    assert _ids(popup) == [REFUND, LATE_GIFT]
    QTest.keyClick(popup.search_field, Qt.Key.Key_Down)
    _ctrl_d(popup)
    assert _starred(popup) == {LATE_GIFT}
    assert _ids(popup) == [REFUND, LATE_GIFT]
    assert popup.current_row() == 1


def test_favourites_are_saved_for_a_new_store_and_a_new_start(
    qtbot: QtBot, start_app: StartApp, paths: Paths
) -> None:
    first = start_app()
    _search(qtbot, first.popup, "refund")
    _ctrl_d(first.popup)
    first.shutdown()

    reopened = UsageStore(paths.usage_db)
    try:
        assert reopened.favourites() == {REFUND}
        assert reopened.boosts()[REFUND] > 0
    finally:
        reopened.close()

    second = start_app()
    assert second.favourites == {REFUND}
    _search(qtbot, second.popup, "refund wait")
    assert _ids(second.popup) == [REFUND, THANKS]
    assert _starred(second.popup) == {REFUND}


def test_an_empty_query_offers_the_favourites_starred(
    qtbot: QtBot, start_app: StartApp, paths: Paths
) -> None:
    store = UsageStore(paths.usage_db)
    store.set_favourite(LATE_GIFT)
    for _ in range(5):
        store.record(THANKS, "paste")
    store.close()
    app = start_app()
    popup = app.popup
    popup.summon()
    qtbot.waitExposed(popup)
    assert _ids(popup) == [LATE_GIFT, THANKS]
    assert _starred(popup) == {LATE_GIFT}
    # unmarked from the empty query: it leaves the list (it was never used)
    _ctrl_d(popup)
    assert _ids(popup) == [THANKS]
    assert popup.current_template().full_id == THANKS  # type: ignore[union-attr]
    assert popup.preview.title.text() == "Thank them for waiting"
    _ctrl_d(popup)  # a most-used reply marked: it stays, now starred
    assert _ids(popup) == [THANKS]
    assert _starred(popup) == {THANKS}


def test_with_the_statistics_off_ctrl_d_says_so_once_and_stars_nothing(
    qtbot: QtBot, start_app: StartApp, paths: Paths
) -> None:
    broken = b"this is not a database" * 100
    paths.usage_db.write_bytes(broken)
    app = start_app()
    notifier = app.services.notifier
    assert isinstance(notifier, FakeNotifier)
    popup = app.popup
    _search(qtbot, popup, "refund")
    _ctrl_d(popup)
    _ctrl_d(popup)
    said = [text for _title, text in notifier.messages if "Favourites" in text]
    assert len(said) == 1
    assert "usage statistics are switched off" in said[0]
    assert str(paths.usage_db) in said[0]
    assert _starred(popup) == set()
    assert app.favourites == set()
    assert paths.usage_db.read_bytes() == broken


def test_ctrl_d_with_nothing_selected_does_nothing(qtbot: QtBot, start_app: StartApp) -> None:
    app = start_app()
    popup = app.popup
    _search(qtbot, popup, "xylophonequartz")
    asked: list[tuple[str, bool]] = []
    popup.favourite_toggled.connect(lambda full_id, on: asked.append((full_id, on)))
    _ctrl_d(popup)
    assert asked == []
    assert app.usage.favourites() == set()
