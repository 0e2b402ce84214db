from __future__ import annotations

import plistlib
import shlex
import sys
from pathlib import Path

import pytest

from tactful.desktop.autostart import (
    AutostartBackend,
    AutostartError,
    FakeAutostart,
    MacLaunchAgent,
    WindowsRunKey,
    XdgAutostart,
    autostart_for_platform,
    default_command,
    desktop_entry,
)

COMMAND = ["/opt/My Apps/bin/python3", "-m", "tactful"]


def exec_line(text: str) -> str:
    [line] = [x for x in text.splitlines() if x.startswith("Exec=")]
    return line.removeprefix("Exec=")


def test_xdg_entry_round_trip(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "autostart"
    backend = XdgAutostart(folder, COMMAND)
    assert isinstance(backend, AutostartBackend)
    assert not backend.enabled()

    backend.set_enabled(True)
    assert backend.enabled()
    text = (folder / "tactful.desktop").read_text(encoding="utf-8")
    assert text.startswith("[Desktop Entry]\n")
    assert "Type=Application" in text
    assert shlex.split(exec_line(text)) == COMMAND
    assert [p.name for p in folder.iterdir()] == ["tactful.desktop"]  # no temporary left

    backend.set_enabled(False)
    assert not backend.enabled()
    assert not (folder / "tactful.desktop").exists()
    backend.set_enabled(False)  # removing twice is fine


def test_exec_quoting_follows_the_desktop_entry_rules() -> None:
    text = desktop_entry(["/home/a b/bin/tactful", "--basedir", '/tmp/x"y$z%'])
    # Quoted per the spec, then backslashes doubled for the string value.
    assert exec_line(text) == ('"/home/a b/bin/tactful" --basedir "/tmp/x\\\\"y\\\\$z%%"')


@pytest.mark.parametrize("extra", ["Hidden=true\n", "X-GNOME-Autostart-enabled=false\n"])
def test_entry_switched_off_by_the_desktop_counts_as_disabled(tmp_path: Path, extra: str) -> None:
    backend = XdgAutostart(tmp_path, COMMAND)
    backend.set_enabled(True)
    with backend.path.open("a", encoding="utf-8") as fh:
        fh.write(extra)
    assert not backend.enabled()
    backend.set_enabled(True)
    assert backend.enabled()


def test_unwritable_folder_is_reported_with_its_path(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    backend = XdgAutostart(blocker / "autostart", COMMAND)
    with pytest.raises(AutostartError, match="not-a-folder"):
        backend.set_enabled(True)


@pytest.mark.parametrize("make", [XdgAutostart, MacLaunchAgent])
def test_entry_that_cannot_be_removed_is_reported_with_its_path(
    tmp_path: Path, make: type[XdgAutostart | MacLaunchAgent]
) -> None:
    backend = make(tmp_path, COMMAND)
    backend.path.mkdir()  # a folder in its place: unlink refuses it
    (backend.path / "kept").write_text("x", encoding="utf-8")
    with pytest.raises(AutostartError, match=f"cannot remove .*{backend.path.name}"):
        backend.set_enabled(False)
    assert (backend.path / "kept").exists()


def test_launch_agent_round_trip(tmp_path: Path) -> None:
    agents = tmp_path / "Library" / "LaunchAgents"
    backend = MacLaunchAgent(agents, COMMAND)
    assert not backend.enabled()
    backend.set_enabled(True)
    assert backend.enabled()
    with backend.path.open("rb") as fh:
        plist = plistlib.load(fh)
    assert plist["ProgramArguments"] == COMMAND
    assert plist["RunAtLoad"] is True
    assert plist["Label"] == backend.path.stem
    backend.set_enabled(False)
    assert not backend.enabled()


def test_corrupt_launch_agent_is_reported(tmp_path: Path) -> None:
    backend = MacLaunchAgent(tmp_path, COMMAND)
    backend.path.write_bytes(b"not a plist")
    with pytest.raises(AutostartError, match=str(backend.path.name)):
        backend.enabled()


@pytest.mark.skipif(sys.platform == "win32", reason="checks the non-Windows behaviour")
def test_run_key_outside_windows() -> None:
    backend = WindowsRunKey(["C:\\Program Files\\Tactful\\tactful.exe"])
    assert not backend.enabled()
    assert backend.command_line() == '"C:\\Program Files\\Tactful\\tactful.exe"'
    with pytest.raises(AutostartError, match="only on Windows"):
        backend.set_enabled(True)


def test_backend_per_platform(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    linux = autostart_for_platform(env, platform="linux", home=tmp_path, command=COMMAND)
    assert isinstance(linux, XdgAutostart)
    assert linux.path == tmp_path / "cfg" / "autostart" / "tactful.desktop"
    default = autostart_for_platform({}, platform="linux", home=tmp_path, command=COMMAND)
    assert isinstance(default, XdgAutostart)
    assert default.path == tmp_path / ".config" / "autostart" / "tactful.desktop"
    mac = autostart_for_platform({}, platform="darwin", home=tmp_path, command=COMMAND)
    assert isinstance(mac, MacLaunchAgent)
    assert mac.path.parent == tmp_path / "Library" / "LaunchAgents"
    assert isinstance(autostart_for_platform({}, platform="win32", command=COMMAND), WindowsRunKey)


def test_default_command_starts_tactful() -> None:
    command = default_command()
    assert command[0]
    if len(command) == 1:
        assert Path(command[0]).name.startswith("tactful")
    else:
        assert command == [sys.executable, "-m", "tactful"]


def test_fake_autostart() -> None:
    fake = FakeAutostart()
    fake.set_enabled(True)
    assert fake.enabled()
    fake.fail_with = "read-only home"
    with pytest.raises(AutostartError, match="read-only home"):
        fake.set_enabled(False)
    assert fake.enabled()
