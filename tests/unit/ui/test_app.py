from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tactful.app import TactfulApp
from tactful.core.errors import PackValidationError
from tactful.core.library import Library
from tactful.core.settings import Settings, load_settings, save_settings
from tactful.desktop.autostart import FakeAutostart
from tactful.desktop.hotkey import FakeHotkey
from tactful.desktop.notify import FakeNotifier
from tactful.desktop.single_instance import SingleInstance
from tactful.paths import Paths

from .conftest import HELPDESK, PACK, fake_services

PROJECT = Path(__file__).resolve().parents[3]


@pytest.fixture
def running(qtbot: QtBot, paths: Paths) -> Iterator[TactfulApp]:
    app = TactfulApp(paths, fake_services(), library_loader=lambda _p: Library([PACK]))
    yield app
    app.shutdown()
    for box in app.messages.open_dialogs:
        box.close()
    if app.no_tray_notice is not None:
        app.no_tray_notice.close()
    if app.checker is not None:
        app.checker.close()


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONPATH"] = str(PROJECT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_assembly_registers_the_hotkey_and_the_hotkey_toggles_the_popup(
    qtbot: QtBot, running: TactfulApp
) -> None:
    hotkey = running.services.hotkey.backend
    assert isinstance(hotkey, FakeHotkey)
    assert hotkey.sequence == "Ctrl+Alt+Space"
    assert not running.popup.isVisible()  # built at start, hidden
    assert hotkey.trigger()
    assert running.popup.isVisible()
    assert running.popup.target == HELPDESK


def test_uses_are_recorded_and_lift_the_reply_next_time(qtbot: QtBot, running: TactfulApp) -> None:
    running.popup.summon()
    running.popup.search_field.setText("refund")
    with qtbot.waitSignal(running.paster.finished, timeout=3000):
        running.popup.choose()
    assert running.usage.counts() == {"test.pack/refund": 1}
    assert running.boosts["test.pack/refund"] > 0
    running.popup.summon()
    running.popup.search_field.clear()  # nothing typed: the most used replies
    assert running.popup.model.template(0).full_id == "test.pack/refund"  # type: ignore[union-attr]


def test_the_popup_checks_the_selected_reply_before_pasting(running: TactfulApp) -> None:
    running.popup.summon()
    running.popup.search_field.setText("birthday")
    running.popup.choose()
    assert running.popup.fillin_open
    running.popup.fillin.edit("order_id").setText("hopefully A-1")
    assert "hopefully" in running.popup.preview.marked_words()
    assert running.popup.preview.tone_notes.text().startswith("Tone check: 1 warning")


def test_pause_releases_the_hotkey_and_resume_grabs_it_again(running: TactfulApp) -> None:
    hotkey = running.services.hotkey.backend
    assert isinstance(hotkey, FakeHotkey)
    running.set_paused(True)
    assert hotkey.sequence is None
    assert not hotkey.trigger()
    running.set_paused(False)
    assert hotkey.sequence == "Ctrl+Alt+Space"


def test_commands_from_other_processes(qtbot: QtBot, running: TactfulApp) -> None:
    running.handle_command("show", {})
    assert running.popup.isVisible()
    running.handle_command("hide", {})
    assert not running.popup.isVisible()
    running.handle_command("toggle", {})
    assert running.popup.isVisible()
    running.handle_command("check", {})
    assert running.checker is not None
    assert running.checker.isVisible()
    assert "Check a draft…" in running.tray.entries()


def test_an_angry_message_shows_cues_and_after_the_paste_a_reset_card(
    qtbot: QtBot, running: TactfulApp
) -> None:
    running.popup.summon()
    running.popup.search_field.setText(
        "This is UNACCEPTABLE. I am furious, third time I write about my refund!!!"
    )
    assert running.popup.mood.cues
    assert any(c.startswith("angry") for c in running.popup.mood.cues)
    assert running.popup.mood.reminders
    with qtbot.waitSignal(running.paster.finished, timeout=3000):
        running.popup.choose(copy_only=True)
    assert running.wellbeing.card is not None
    assert running.wellbeing.card.isVisible()


def test_a_paste_that_only_copied_is_announced(qtbot: QtBot, running: TactfulApp) -> None:
    running.popup.summon()
    running.popup.search_field.setText("refund")
    with qtbot.waitSignal(running.paster.finished, timeout=3000):
        running.popup.choose(copy_only=True)
    notifier = running.services.notifier
    assert isinstance(notifier, FakeNotifier)
    assert notifier.messages == [("Tactful", "Copied to the clipboard.")]


def test_settings_apply_saves_and_updates_the_parts(running: TactfulApp, paths: Paths) -> None:
    new = running.settings.updated(
        hotkey="Ctrl+Alt+K", agent_name="Sam", paste_overrides={"xterm": "shift+insert"}
    )
    assert running.apply_settings(new) is None
    loaded, _ = load_settings(paths.settings_file)
    assert loaded == new
    hotkey = running.services.hotkey.backend
    assert isinstance(hotkey, FakeHotkey)
    assert hotkey.sequence == "Ctrl+Alt+K"
    assert running.paster.overrides == {"xterm": "shift+insert"}


def test_unknown_paste_keys_are_refused_naming_the_window_class(
    running: TactfulApp, paths: Paths
) -> None:
    problem = running.apply_settings(
        running.settings.updated(paste_overrides={"xterm": "ctrl+banana"})
    )
    assert problem is not None
    assert "xterm" in problem.message
    assert "banana" in problem.message
    assert not paths.settings_file.exists()
    assert running.paster.overrides == {}


def test_a_taken_hotkey_is_refused_and_the_old_one_kept(qtbot: QtBot, paths: Paths) -> None:
    app = TactfulApp(
        paths,
        fake_services(FakeHotkey(taken=["Ctrl+Alt+T"])),
        library_loader=lambda _p: Library([PACK]),
    )
    try:
        problem = app.apply_settings(app.settings.updated(hotkey="Ctrl+Alt+T"))
        assert problem is not None
        assert problem.field == "hotkey"
        assert "taken" in problem.message
        hotkey = app.services.hotkey.backend
        assert isinstance(hotkey, FakeHotkey)
        assert hotkey.sequence == "Ctrl+Alt+Space"
        assert not paths.settings_file.exists()
    finally:
        app.shutdown()


def test_a_taken_hotkey_at_start_is_reported(qtbot: QtBot, paths: Paths) -> None:
    app = TactfulApp(
        paths,
        fake_services(FakeHotkey(taken=["Ctrl+Alt+Space"])),
        library_loader=lambda _p: Library([PACK]),
    )
    try:
        assert app.hotkey_error
        kinds = [kind for kind, _ in app.messages.history]
        assert "error" in kinds
        app.open_settings()
        assert app.settings_window.hotkey_error.isVisible()
        assert "x11: not an X11 desktop" in app.settings_window.hotkey_backend.text()
    finally:
        app.shutdown()
        for box in app.messages.open_dialogs:
            box.close()
        app.settings_window.close()


def test_start_at_login_goes_through_the_autostart_backend(running: TactfulApp) -> None:
    assert running.apply_settings(running.settings.updated(start_at_login=True)) is None
    assert running.services.autostart.enabled()
    autostart = running.services.autostart
    assert isinstance(autostart, FakeAutostart)
    autostart.fail_with = "cannot write autostart"
    problem = running.apply_settings(running.settings.updated(start_at_login=False))
    assert problem is not None
    assert "cannot write autostart" in problem.message


def test_a_broken_settings_file_is_reported_and_never_overwritten(
    qtbot: QtBot, paths: Paths
) -> None:
    paths.settings_file.write_text("hotkey = [unclosed\n", encoding="utf-8")
    app = TactfulApp(paths, fake_services(), library_loader=lambda _p: Library([PACK]))
    try:
        assert app.settings == Settings()
        assert app.messages.history[0][0] == "error"
        assert "settings" in app.messages.history[0][1].lower() or app.settings_notice
        app.popup.summon()
        app.set_paused(True)
        app.set_paused(False)
        assert paths.settings_file.read_text(encoding="utf-8") == "hotkey = [unclosed\n"
    finally:
        app.shutdown()
        for box in app.messages.open_dialogs:
            box.close()


def test_wrong_setting_values_are_listed_once(qtbot: QtBot, paths: Paths) -> None:
    paths.settings_file.write_text('theme = "purple"\nagent_name = "Sam"\n', encoding="utf-8")
    app = TactfulApp(paths, fake_services(), library_loader=lambda _p: Library([PACK]))
    try:
        assert app.settings.agent_name == "Sam"
        problems = [text for kind, text in app.messages.history if kind == "problems"]
        assert len(problems) == 1
        assert "theme" in problems[0]
    finally:
        app.shutdown()
        for box in app.messages.open_dialogs:
            box.close()


def test_pack_problems_are_reported_and_the_rest_still_works(qtbot: QtBot, paths: Paths) -> None:
    broken = PackValidationError("expected a string", path="team.tactful.toml", line=3, key="x")
    app = TactfulApp(
        paths, fake_services(), library_loader=lambda _p: Library([PACK], problems=[broken])
    )
    try:
        problems = [text for kind, text in app.messages.history if kind == "problems"]
        assert len(problems) == 1
        assert "team.tactful.toml:3" in problems[0]
        app.popup.summon()
        app.popup.search_field.setText("refund")
        assert app.popup.model.rowCount() >= 1
    finally:
        app.shutdown()
        for box in app.messages.open_dialogs:
            box.close()


def test_without_a_tray_a_notice_says_how_to_open_the_popup(running: TactfulApp) -> None:
    assert running.no_tray_notice is not None
    assert running.no_tray_notice.isVisible()
    assert "tactful toggle" in running.no_tray_notice.label.text()


def test_shutdown_releases_the_hotkey_and_the_socket(qtbot: QtBot, paths: Paths) -> None:
    instance = SingleInstance(paths.runtime)
    assert instance.try_become_primary()
    hotkey = FakeHotkey()
    app = TactfulApp(
        paths, fake_services(hotkey), instance=instance, library_loader=lambda _p: Library([PACK])
    )
    app.shutdown()
    assert hotkey.closed
    assert not instance.is_primary
    again = SingleInstance(paths.runtime)
    assert again.try_become_primary()
    again.close()


def test_no_display_is_a_clear_error_with_exit_code_2(basedir: Path) -> None:
    env = {k: v for k, v in _child_env().items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["QT_QPA_PLATFORM"] = "xcb"
    if sys.platform in ("win32", "darwin"):
        pytest.skip("every Windows and macOS session has a display")
    out = subprocess.run(
        [sys.executable, "-m", "tactful", "--basedir", str(basedir)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 2
    assert out.stderr.startswith("tactful: no graphical display")
    assert len(out.stderr.strip().splitlines()) == 1


def test_a_second_start_forwards_show_to_the_running_one(qtbot: QtBot, paths: Paths) -> None:
    primary = SingleInstance(paths.runtime)
    assert primary.try_become_primary()
    got: list[str] = []
    primary.command_received.connect(lambda cmd, _args: got.append(cmd))
    try:
        base = str(paths.config.parent)
        second = subprocess.Popen(
            [sys.executable, "-m", "tactful", "--basedir", base], env=_child_env()
        )
        qtbot.waitUntil(lambda: second.poll() is not None, timeout=60_000)
        assert second.returncode == 0
        qtbot.waitUntil(lambda: got == ["show"], timeout=5000)
        toggle = subprocess.Popen(
            [sys.executable, "-m", "tactful", "--basedir", base, "toggle"], env=_child_env()
        )
        qtbot.waitUntil(lambda: toggle.poll() is not None, timeout=60_000)
        assert toggle.returncode == 0
        qtbot.waitUntil(lambda: got == ["show", "toggle"], timeout=5000)
    finally:
        primary.close()


def test_save_settings_then_start_uses_them(qtbot: QtBot, paths: Paths) -> None:
    save_settings(Settings(hotkey="Ctrl+Alt+J", agent_name="Kim"), paths.settings_file)
    hotkey = FakeHotkey()
    app = TactfulApp(paths, fake_services(hotkey), library_loader=lambda _p: Library([PACK]))
    try:
        assert hotkey.sequence == "Ctrl+Alt+J"
        assert app.settings.agent_name == "Kim"
    finally:
        app.shutdown()


def test_a_broken_usage_database_is_reported_and_the_app_still_works(
    qtbot: QtBot, paths: Paths
) -> None:
    paths.usage_db.write_bytes(b"this is not a database" * 100)
    app = TactfulApp(paths, fake_services(), library_loader=lambda _p: Library([PACK]))
    try:
        errors = [text for kind, text in app.messages.history if kind == "error"]
        assert len(errors) == 1
        assert "usage" in errors[0]
        app.popup.summon()
        app.popup.search_field.setText("refund")
        with qtbot.waitSignal(app.paster.finished, timeout=3000):
            app.popup.choose(copy_only=True)
        assert paths.usage_db.read_bytes() == b"this is not a database" * 100
    finally:
        app.shutdown()
        for box in app.messages.open_dialogs:
            box.close()
