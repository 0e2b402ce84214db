"""Start at login: an XDG autostart entry, the Windows Run key, or a macOS LaunchAgent.

Each backend answers :meth:`AutostartBackend.enabled` by reading what it
wrote, and :meth:`AutostartBackend.set_enabled` writes or removes it. Files are
written atomically (temporary file in the same folder, then ``os.replace``).
The command is :func:`default_command`: the installed ``tactful`` script, or
``python -m tactful`` when Tactful is not installed as a script. Folders are
constructor arguments so tests use temporary ones.
"""

from __future__ import annotations

import contextlib
import os
import plistlib
import shlex
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

from tactful.core.atomic import atomic_write_bytes
from tactful.core.errors import TactfulError

APP_ID = "tactful"
DESKTOP_FILE = "tactful.desktop"
LAUNCH_AGENT_LABEL = "org.tactful.Tactful"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
RUN_VALUE = "Tactful"


class AutostartError(TactfulError):
    """The login item cannot be read or written; the message names the file or key."""


@runtime_checkable
class AutostartBackend(Protocol):
    """Whether Tactful starts when the user logs in."""

    def enabled(self) -> bool:
        """Whether the login item exists and is switched on."""
        ...

    def set_enabled(self, enabled: bool) -> None:
        """Create or remove the login item.

        Raises:
            AutostartError: The file or registry key cannot be written.
        """
        ...


def default_command() -> list[str]:
    """The command line that starts the tray app.

    The ``tactful`` script next to this Python (a virtualenv's ``bin``) or on
    ``PATH``; ``[sys.executable, "-m", "tactful"]`` when there is none.
    """
    names = ("tactful.exe", "tactful") if sys.platform == "win32" else ("tactful",)
    here = Path(sys.executable).parent
    for name in names:
        candidate = here / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return [str(candidate)]
    found = shutil.which("tactful")
    if found:
        return [found]
    return [sys.executable, "-m", "tactful"]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically, keeping no backup in the login-items folder.

    Raises:
        AutostartError: The folder cannot be created or written.
    """
    try:
        atomic_write_bytes(path, data, keep_backup=False)
    except OSError as exc:
        raise AutostartError(f"cannot write {path}: {exc.strerror or exc}") from exc


def remove_file(path: Path) -> None:
    """Delete ``path``; one that is not there is already removed.

    Raises:
        AutostartError: The file exists and cannot be removed.
    """
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        raise AutostartError(f"cannot remove {path}: {exc.strerror or exc}") from exc


def _desktop_exec_quote(arg: str) -> str:
    """Quote one argument for a desktop entry ``Exec`` key."""
    if arg and not any(c in arg for c in " \t\n\"'\\><~|&;$*?#()`%"):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")
    escaped = escaped.replace("$", "\\$").replace("%", "%%")
    return f'"{escaped}"'


def desktop_entry(command: Sequence[str]) -> str:
    """The text of the autostart ``.desktop`` file for ``command``.

    Backslashes in the quoted ``Exec`` value are doubled once more because the
    key's value is itself an escaped string.
    """
    exec_line = " ".join(_desktop_exec_quote(a) for a in command).replace("\\", "\\\\")
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Name=Tactful\n"
        "Comment=Empathetic reply templates one hotkey away\n"
        f"Exec={exec_line}\n"
        "Icon=tactful\n"
        "Terminal=false\n"
        "Categories=Utility;\n"
        "X-GNOME-Autostart-enabled=true\n"
    )


def _read_desktop_keys(text: str) -> dict[str, str]:
    keys: dict[str, str] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif "=" in line and not line.startswith("#") and section == "Desktop Entry":
            key, value = line.split("=", 1)
            keys[key.strip()] = value.strip()
    return keys


class XdgAutostart:
    """An entry in ``$XDG_CONFIG_HOME/autostart`` (Linux and other freedesktop systems).

    Args:
        autostart_dir: The autostart folder (tests pass a temporary one).
        command: The command to run; :func:`default_command` when ``None``.
    """

    name = "xdg"

    def __init__(self, autostart_dir: Path, command: Sequence[str] | None = None) -> None:
        self.path = Path(autostart_dir) / DESKTOP_FILE
        self.command = list(command) if command is not None else default_command()

    def enabled(self) -> bool:
        """The file exists and is not hidden or switched off."""
        try:
            keys = _read_desktop_keys(self.path.read_text(encoding="utf-8", errors="replace"))
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(f"cannot read {self.path}: {exc.strerror or exc}") from exc
        if keys.get("Hidden", "false").lower() == "true":
            return False
        return keys.get("X-GNOME-Autostart-enabled", "true").lower() != "false"

    def set_enabled(self, enabled: bool) -> None:
        """Write the entry, or delete it."""
        if enabled:
            atomic_write(self.path, desktop_entry(self.command).encode("utf-8"))
        else:
            remove_file(self.path)


class MacLaunchAgent:
    """A LaunchAgent plist in ``~/Library/LaunchAgents`` with ``RunAtLoad``.

    Args:
        agents_dir: The LaunchAgents folder (tests pass a temporary one).
        command: The command to run; :func:`default_command` when ``None``.
    """

    name = "launchagent"

    def __init__(self, agents_dir: Path, command: Sequence[str] | None = None) -> None:
        self.path = Path(agents_dir) / f"{LAUNCH_AGENT_LABEL}.plist"
        self.command = list(command) if command is not None else default_command()

    def enabled(self) -> bool:
        """The plist exists, is readable and says ``RunAtLoad``."""
        try:
            with self.path.open("rb") as fh:
                data = plistlib.load(fh)
        except FileNotFoundError:
            return False
        except (OSError, plistlib.InvalidFileException, ValueError) as exc:
            raise AutostartError(f"cannot read {self.path}: {exc}") from exc
        return isinstance(data, dict) and data.get("RunAtLoad") is True

    def set_enabled(self, enabled: bool) -> None:
        """Write the plist, or delete it."""
        if enabled:
            plist = {
                "Label": LAUNCH_AGENT_LABEL,
                "ProgramArguments": self.command,
                "RunAtLoad": True,
                "ProcessType": "Interactive",
            }
            atomic_write(self.path, plistlib.dumps(plist))
        else:
            remove_file(self.path)


class WindowsRunKey:
    r"""A value under ``HKCU\Software\Microsoft\Windows\CurrentVersion\Run``.

    Args:
        command: The command to run; :func:`default_command` when ``None``.
        key: The registry key below ``HKEY_CURRENT_USER`` (tests use another).
    """

    name = "runkey"

    def __init__(self, command: Sequence[str] | None = None, key: str = RUN_KEY) -> None:
        self.command = list(command) if command is not None else default_command()
        self.key = key

    def command_line(self) -> str:
        """The command as one Windows command line."""
        import subprocess

        return subprocess.list2cmdline(self.command)

    def enabled(self) -> bool:
        """The Run value exists."""
        if sys.platform != "win32":
            return False
        import winreg

        try:
            with winreg.OpenKey(winreg.HKEY_CURRENT_USER, self.key) as handle:
                winreg.QueryValueEx(handle, RUN_VALUE)
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AutostartError(f"cannot read HKCU\\{self.key}: {exc}") from exc
        return True

    def set_enabled(self, enabled: bool) -> None:
        """Set or delete the Run value."""
        if sys.platform != "win32":
            raise AutostartError("the Windows Run key exists only on Windows")
        import winreg

        try:
            with winreg.CreateKey(winreg.HKEY_CURRENT_USER, self.key) as handle:
                if enabled:
                    winreg.SetValueEx(handle, RUN_VALUE, 0, winreg.REG_SZ, self.command_line())
                else:
                    with contextlib.suppress(FileNotFoundError):  # already gone
                        winreg.DeleteValue(handle, RUN_VALUE)
        except OSError as exc:
            raise AutostartError(f"cannot write HKCU\\{self.key}: {exc}") from exc


class FakeAutostart:
    """An in-memory login item for tests.

    Attributes:
        fail_with: When set, :meth:`set_enabled` raises :class:`AutostartError` with it.
    """

    name = "fake"

    def __init__(self, enabled: bool = False) -> None:
        self._enabled = enabled
        self.fail_with: str | None = None

    def enabled(self) -> bool:
        """The stored state."""
        return self._enabled

    def set_enabled(self, enabled: bool) -> None:
        """Store the state, or fail as asked."""
        if self.fail_with is not None:
            raise AutostartError(self.fail_with)
        self._enabled = enabled


def autostart_for_platform(
    env: Mapping[str, str] | None = None,
    *,
    platform: str | None = None,
    home: Path | None = None,
    command: Sequence[str] | None = None,
) -> AutostartBackend:
    """The backend for this system.

    Args:
        env: For ``XDG_CONFIG_HOME``; ``os.environ`` when ``None``.
        platform: ``sys.platform`` when ``None``.
        home: The home folder; ``Path.home()`` when ``None``.
        command: The command to run; :func:`default_command` when ``None``.
    """
    env = os.environ if env is None else env
    platform = sys.platform if platform is None else platform
    home = Path.home() if home is None else home
    if platform == "win32":
        return WindowsRunKey(command)
    if platform == "darwin":
        return MacLaunchAgent(home / "Library" / "LaunchAgents", command)
    config = env.get("XDG_CONFIG_HOME") or str(home / ".config")
    return XdgAutostart(Path(config) / "autostart", command)


def describe_command(command: Sequence[str]) -> str:
    """The command as a shell would show it, for the settings window."""
    return shlex.join(command)
