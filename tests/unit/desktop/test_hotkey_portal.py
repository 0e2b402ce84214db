"""The GlobalShortcuts portal backend against a fake portal on a private dbus-daemon."""

from __future__ import annotations

import os
import queue
import select
import shutil
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from tactful.desktop.dbus_wire import BusConnection, Message, ObjectPath, Variant
from tactful.desktop.hotkey import BackendUnavailableError, HotkeyError, select_hotkey_backend
from tactful.desktop.hotkey_portal import (
    PORTAL_PATH,
    PORTAL_SERVICE,
    SHORTCUT_ID,
    SHORTCUTS_INTERFACE,
    PortalHotkey,
)


@pytest.fixture
def bus_env(tmp_path: Path) -> Iterator[dict[str, str]]:
    daemon = shutil.which("dbus-daemon")
    if daemon is None:
        pytest.skip("dbus-daemon is not on PATH (Debian package dbus-daemon)")
    address = f"unix:path={tmp_path / 'bus'}"
    proc = subprocess.Popen(
        [daemon, "--session", "--nofork", "--print-address=1", f"--address={address}"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    printed = proc.stdout.readline().decode().strip()
    assert printed.startswith("unix:path="), printed
    try:
        yield {"DBUS_SESSION_BUS_ADDRESS": printed}
    finally:
        proc.terminate()
        proc.wait(timeout=5)
        proc.stdout.close()


class FakePortal:
    """Serves the parts of org.freedesktop.portal.GlobalShortcuts the backend uses.

    It runs on a thread of its own (the backend blocks the GUI thread while it
    checks the portal's version at start-up), which is the only user of its
    connection; :meth:`press` hands work to it through a queue.
    """

    def __init__(self, env: dict[str, str], *, bind_response: int = 0) -> None:
        self.bus = BusConnection(env)
        self.bus.call_blocking(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "RequestName",
            "su",
            [PORTAL_SERVICE, 0],
        )
        self.bind_response = bind_response
        self.bound: list[tuple[str, dict[str, Any]]] = []
        self.closed: list[str] = []
        self.client = ""
        self.session = ""
        props = "org.freedesktop.DBus.Properties"
        self.bus.on_method(props, "Get", self._get)
        self.bus.on_method(SHORTCUTS_INTERFACE, "CreateSession", self._create_session)
        self.bus.on_method(SHORTCUTS_INTERFACE, "BindShortcuts", self._bind)
        self.bus.on_method("org.freedesktop.portal.Session", "Close", self._close)
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        sock = self.bus._sock
        while not self._stopping:
            ready, _, _ = select.select([sock, self._wake_r], [], [], 5)
            if self._wake_r in ready:
                os.read(self._wake_r, 1)
            while not self._jobs.empty():
                self._jobs.get()()
            if sock in ready:
                self.bus.process_input()

    def _submit(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)
        os.write(self._wake_w, b"x")

    def stop(self) -> None:
        self._stopping = True
        os.write(self._wake_w, b"x")
        self._thread.join(timeout=5)
        self.bus.close()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _get(self, call: Message) -> None:
        self.bus.reply(call, "v", [Variant("u", 1)])

    def _request(self, call: Message, token: str) -> str:
        sender = str(call.fields["sender"])
        return f"{PORTAL_PATH}/request/{sender[1:].replace('.', '_')}/{token}"

    def _create_session(self, call: Message) -> None:
        options = call.body[0]
        path = self._request(call, options["handle_token"])
        self.client = str(call.fields["sender"])
        self.session = f"{PORTAL_PATH}/session/x/{options['session_handle_token']}"
        self.bus.reply(call, "o", [ObjectPath(path)])
        results = {"session_handle": Variant("s", self.session)}
        self.bus.emit(
            path,
            "org.freedesktop.portal.Request",
            "Response",
            "ua{sv}",
            [0, results],
            destination=self.client,
        )

    def _bind(self, call: Message) -> None:
        session, shortcuts, _parent, options = call.body
        assert session == self.session
        self.bound = shortcuts
        path = self._request(call, options["handle_token"])
        self.bus.reply(call, "o", [ObjectPath(path)])
        assigned = [
            (
                sid,
                {
                    "description": Variant("s", info["description"]),
                    "trigger_description": Variant("s", "Ctrl+Alt+Space"),
                },
            )
            for sid, info in shortcuts
        ]
        results = {"shortcuts": Variant("a(sa{sv})", assigned)}
        self.bus.emit(
            path,
            "org.freedesktop.portal.Request",
            "Response",
            "ua{sv}",
            [self.bind_response, results],
            destination=self.client,
        )

    def _close(self, call: Message) -> None:
        self.closed.append(str(call.fields["path"]))
        self.bus.reply(call)

    def press(self, shortcut_id: str = SHORTCUT_ID) -> None:
        self._submit(lambda: self._press(shortcut_id))

    def _press(self, shortcut_id: str) -> None:
        self.bus.emit(
            PORTAL_PATH,
            SHORTCUTS_INTERFACE,
            "Activated",
            "osta{sv}",
            [ObjectPath(self.session), shortcut_id, 0, {}],
            destination=self.client,
        )


def test_no_portal_on_the_bus_is_a_reason_not_a_crash(bus_env: dict[str, str]) -> None:
    with pytest.raises(BackendUnavailableError, match="no GlobalShortcuts interface"):
        PortalHotkey.create(bus_env)


def test_no_session_bus_is_a_reason(tmp_path: Path) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'nothing'}"}
    with pytest.raises(BackendUnavailableError, match="cannot connect to the session bus"):
        PortalHotkey.create(env)


def test_portal_binds_the_shortcut_and_relays_activations(
    bus_env: dict[str, str], qtbot: QtBot
) -> None:
    portal = FakePortal(bus_env)
    hotkey = PortalHotkey.create(bus_env)
    presses: list[int] = []
    try:
        assert hotkey.version == 1
        hotkey.register("Ctrl+Alt+Space", lambda: presses.append(1))
        qtbot.waitUntil(lambda: hotkey.status.startswith("bound"), timeout=5000)
        assert hotkey.status == "bound: Ctrl+Alt+Space"
        [(shortcut_id, info)] = portal.bound
        assert shortcut_id == SHORTCUT_ID
        assert info["preferred_trigger"] == "CTRL+ALT+space"
        assert info["description"]

        portal.press("someone-else")
        portal.press()
        qtbot.waitUntil(lambda: presses == [1], timeout=5000)

        session = portal.session
        hotkey.unregister()
        qtbot.waitUntil(lambda: portal.closed == [session], timeout=5000)
        portal.press()
        qtbot.wait(50)
        assert presses == [1]
    finally:
        hotkey.close()
        portal.stop()


def test_refused_binding_is_reported(bus_env: dict[str, str], qtbot: QtBot) -> None:
    portal = FakePortal(bus_env, bind_response=1)
    hotkey = PortalHotkey.create(bus_env)
    failures: list[str] = []
    hotkey.on_failure = failures.append
    try:
        hotkey.register("Ctrl+Alt+Space", lambda: None)
        qtbot.waitUntil(lambda: bool(failures), timeout=5000)
        assert failures == ["the shortcut dialog was cancelled"]
        assert hotkey.status == "failed: the shortcut dialog was cancelled"
    finally:
        hotkey.close()
        portal.stop()


def test_invalid_sequence_is_refused_at_once(bus_env: dict[str, str]) -> None:
    portal = FakePortal(bus_env)
    hotkey = PortalHotkey.create(bus_env)
    try:
        with pytest.raises(HotkeyError):
            hotkey.register("Ctrl+Whatever", lambda: None)
        assert hotkey.status == "idle"
    finally:
        hotkey.close()
        portal.stop()


def test_selection_picks_the_portal_on_wayland(bus_env: dict[str, str]) -> None:
    portal = FakePortal(bus_env)
    env = {**bus_env, "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    selection = select_hotkey_backend(env, platform="linux")
    try:
        assert selection.backend.name == "portal"
        assert "Wayland session" in dict(selection.passed_over)["x11"]
    finally:
        selection.backend.close()
        portal.stop()
