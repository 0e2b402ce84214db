from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from tactful.core.settings import Settings, load_settings, save_settings
from tactful.ui.settings import ApplyProblem, SettingsWindow

CUSTOM = Settings(
    hotkey="Ctrl+Shift+F12",
    paste_method="copy",
    paste_overrides={"xterm": "shift+insert"},
    agent_name="Sam",
    agent_signature="Sam\nACME Support",
    company="ACME",
    default_channel="chat",
    start_at_login=True,
    theme="dark",
    break_reminders=True,
    break_after_minutes=45,
    reset_card=False,
)


def _window(qtbot: QtBot, settings: Settings, path: Path) -> tuple[SettingsWindow, list[Settings]]:
    applied: list[Settings] = []

    def apply(new: Settings) -> ApplyProblem | None:
        applied.append(new)
        save_settings(new, path)
        return None

    window = SettingsWindow(settings, apply=apply)
    qtbot.addWidget(window)
    return window, applied


def test_widgets_show_the_settings_and_ok_writes_the_same_back(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "settings.toml"
    window, applied = _window(qtbot, CUSTOM, path)
    window.open_window(CUSTOM)
    assert window.hotkey_text() == "Ctrl+Shift+F12"
    assert window.agent_name.text() == "Sam"
    assert window.overrides_value() == {"xterm": "shift+insert"}
    window.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert applied == [CUSTOM]
    assert not window.isVisible()
    loaded, problems = load_settings(path)
    assert problems == []
    assert loaded == CUSTOM


def test_edits_round_trip_through_settings_toml(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    window, _ = _window(qtbot, Settings(), path)
    window.open_window(Settings())
    window.hotkey.setKeySequence(QKeySequence.fromString("Meta+Space"))
    window.paste_method.setCurrentIndex(window.paste_method.findData("copy"))
    window.add_override_row("konsole", "ctrl+shift+v")
    window.add_override_row("", "")  # an empty row is not saved
    window.agent_name.setText("  Alex ")
    window.signature.setPlainText("Alex\nTeam Blue")
    window.company.setText("Blue")
    window.default_channel.setCurrentIndex(window.default_channel.findData("email"))
    window.start_at_login.setChecked(True)
    window.theme.setCurrentIndex(window.theme.findData("light"))
    window.break_reminders.setChecked(True)
    window.break_minutes.setValue(50)
    window.reset_card.setChecked(False)
    window.save()
    loaded, _ = load_settings(path)
    assert loaded == Settings(
        hotkey="Meta+Space",
        paste_method="copy",
        paste_overrides={"konsole": "ctrl+shift+v"},
        agent_name="Alex",
        agent_signature="Alex\nTeam Blue",
        company="Blue",
        default_channel="email",
        start_at_login=True,
        theme="light",
        break_reminders=True,
        break_after_minutes=50,
        reset_card=False,
    )


def test_a_taken_hotkey_is_shown_and_the_window_stays_open(qtbot: QtBot) -> None:
    def apply(new: Settings) -> ApplyProblem | None:
        return ApplyProblem(f"Hotkey {new.hotkey}: already taken by another program", "hotkey")

    window = SettingsWindow(Settings(), apply=apply)
    qtbot.addWidget(window)
    window.open_window(Settings())
    window.save()
    assert window.isVisible()
    assert window.hotkey_error.isVisible()
    assert "already taken" in window.hotkey_error.text()


def test_other_problems_are_shown_at_the_top(qtbot: QtBot) -> None:
    window = SettingsWindow(Settings(), apply=lambda new: ApplyProblem("disk full"))
    qtbot.addWidget(window)
    window.open_window(Settings())
    window.save()
    assert window.isVisible()
    assert window.notice.isVisible()
    assert window.notice.text() == "disk full"
    assert not window.hotkey_error.isVisible()


def test_backend_status_names_the_active_one_and_why_not_the_others(qtbot: QtBot) -> None:
    window = SettingsWindow(Settings(), apply=lambda new: None)
    qtbot.addWidget(window)
    window.set_hotkey_status("x11", [("portal", "X11 session"), ("keyboard", "needs root")])
    text = window.hotkey_backend.text()
    assert "Active backend: x11" in text
    assert "portal: X11 session" in text
    assert "keyboard: needs root" in text
    assert text.index("portal") < text.index("keyboard")
    assert "tactful toggle" in text


def test_an_unknown_channel_in_the_settings_is_kept(qtbot: QtBot) -> None:
    settings = Settings(default_channel="sms")
    window = SettingsWindow(settings, apply=lambda new: None, channels=["chat"])
    qtbot.addWidget(window)
    assert window.edited().default_channel == "sms"
