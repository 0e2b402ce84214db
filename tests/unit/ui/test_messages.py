from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tactful.core.errors import PackValidationError
from tactful.desktop.notify import FakeNotifier
from tactful.ui.messages import Messages, describe, install_excepthook


def _close_all(messages: Messages) -> None:
    for box in messages.open_dialogs:
        box.close()


def test_tactful_errors_keep_their_where_and_what() -> None:
    error = PackValidationError("expected a string", path="a.tactful.toml", line=7, key="pack.id")
    assert describe(error) == "a.tactful.toml:7: pack.id: expected a string"
    assert describe(FileNotFoundError(2, "No such file", "/x/y")) == "/x/y: No such file"
    assert describe(ValueError("bad")) == "ValueError: bad"


def test_problems_are_listed_together_and_only_once(qtbot: QtBot, tmp_path: Path) -> None:
    messages = Messages(tmp_path / "tactful.log")
    box = messages.problems(["one", "two"], what="Some packs could not be loaded")
    assert box is not None
    assert box.isVisible()
    assert "one" in box.informativeText()
    assert "two" in box.informativeText()
    assert messages.problems(["one", "two"], what="Some packs could not be loaded") is None
    again = messages.problems(["two", "three"], what="Some packs could not be loaded")
    assert again is not None
    assert "three" in again.informativeText()
    assert "two" not in again.informativeText()
    _close_all(messages)


def test_dialogs_do_not_block_and_are_forgotten_when_closed(qtbot: QtBot, tmp_path: Path) -> None:
    messages = Messages(tmp_path / "tactful.log")
    box = messages.error(ValueError("bad"), context="Saving failed")
    assert box.windowModality().name == "NonModal"
    assert box.text() == "Saving failed"
    assert "bad" in box.informativeText()
    box.done(0)
    assert messages.open_dialogs == []


def test_notify_uses_the_notifier_when_there_is_no_tray(qtbot: QtBot, tmp_path: Path) -> None:
    notifier = FakeNotifier()
    messages = Messages(tmp_path / "tactful.log", notifier=notifier)
    messages.notify("Copied to the clipboard.")
    assert notifier.messages == [("Tactful", "Copied to the clipboard.")]
    assert messages.history == [("notify", "Copied to the clipboard.")]


def test_notify_once_says_a_thing_only_once_per_run(qtbot: QtBot, tmp_path: Path) -> None:
    notifier = FakeNotifier()
    messages = Messages(tmp_path / "tactful.log", notifier=notifier)
    assert messages.notify_once("Favourites cannot be saved.")
    assert not messages.notify_once("Favourites cannot be saved.")
    messages.notify("Copied.")
    assert messages.notify_once("Something else.")
    assert notifier.messages == [
        ("Tactful", "Favourites cannot be saved."),
        ("Tactful", "Copied."),
        ("Tactful", "Something else."),
    ]


def test_unexpected_exceptions_open_a_crash_dialog_with_the_log_path(
    qtbot: QtBot, tmp_path: Path
) -> None:
    log_path = tmp_path / "log" / "tactful.log"
    messages = Messages(log_path)
    previous = install_excepthook(log_path, messages)
    try:
        try:
            raise RuntimeError("the unexpected")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())  # type: ignore[arg-type]
    finally:
        sys.excepthook = previous
    [box] = messages.open_dialogs
    assert box.icon() == QMessageBox.Icon.Critical
    assert str(log_path) in box.informativeText()
    assert "RuntimeError: the unexpected" in box.informativeText()
    assert "Traceback" in box.detailedText()
    assert messages.history[-1] == ("crash", "RuntimeError: the unexpected")
    _close_all(messages)


def test_the_same_crash_again_does_not_open_a_second_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    messages = Messages(tmp_path / "tactful.log")
    error = TypeError("boom")
    first = messages.crash(TypeError, error, None)
    second = messages.crash(TypeError, error, None)
    assert first is second
    assert len(messages.open_dialogs) == 1
    assert [kind for kind, _ in messages.history] == ["crash", "crash"]
    first.done(0)
    third = messages.crash(TypeError, error, None)  # closed since: a new one may open
    assert third is not first
    _close_all(messages)
