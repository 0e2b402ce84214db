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
from jeepney import (
    DBusAddress,
    HeaderFields,
    Message,
    MessageType,
    message_bus,
    new_error,
    new_method_return,
    new_signal,
)
from jeepney.io.blocking import Proxy, open_dbus_connection
from pytestqt.qtbot import QtBot

from tactful.desktop.hotkey import (
    BackendUnavailableError,
    HotkeyBackend,
    HotkeyError,
    LateBinding,
    select_hotkey_backend,
)
from tactful.desktop.hotkey_portal import (
    PORTAL_PATH,
    PORTAL_SERVICE,
    REQUEST_INTERFACE,
    SESSION_INTERFACE,
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

    Args:
        bind_response: The Response code for BindShortcuts (0 bound, 1 cancelled, 2 refused).
        bind_error: An error name to answer BindShortcuts with instead.
        assigned: The trigger the "desktop" assigns.
        legacy_paths: Answer with request paths that ignore handle_token, like old portals.
    """

    def __init__(
        self,
        env: dict[str, str],
        *,
        bind_response: int = 0,
        bind_error: str = "",
        assigned: str = "Ctrl+Alt+Space",
        legacy_paths: bool = False,
    ) -> None:
        self.conn = open_dbus_connection(bus=env["DBUS_SESSION_BUS_ADDRESS"])
        Proxy(message_bus, self.conn).RequestName(PORTAL_SERVICE)
        self.bind_response = bind_response
        self.bind_error = bind_error
        self.assigned = assigned
        self.legacy_paths = legacy_paths
        self.bound: list[tuple[str, dict[str, Any]]] = []
        self.closed: list[str] = []
        self.client = ""
        self.session = ""
        self._requests = 0
        self._jobs: queue.Queue[Callable[[], None]] = queue.Queue()
        self._wake_r, self._wake_w = os.pipe()
        self._stopping = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        sock = self.conn.sock
        while not self._stopping:
            ready, _, _ = select.select([sock, self._wake_r], [], [], 5)
            if self._wake_r in ready:
                os.read(self._wake_r, 1)
            while not self._jobs.empty():
                self._jobs.get()()
            if sock in ready:
                while True:
                    try:
                        message = self.conn.receive(timeout=0)
                    except TimeoutError:
                        break
                    self._handle(message)

    def _submit(self, job: Callable[[], None]) -> None:
        self._jobs.put(job)
        os.write(self._wake_w, b"x")

    def stop(self) -> None:
        self._stopping = True
        os.write(self._wake_w, b"x")
        self._thread.join(timeout=5)
        self.conn.close()
        os.close(self._wake_r)
        os.close(self._wake_w)

    def _handle(self, call: Message) -> None:
        if call.header.message_type != MessageType.method_call:
            return
        fields = call.header.fields
        member = (fields.get(HeaderFields.interface), fields.get(HeaderFields.member))
        if member == ("org.freedesktop.DBus.Properties", "Get"):
            self.conn.send(new_method_return(call, "v", (("u", 1),)))
        elif member == (SHORTCUTS_INTERFACE, "CreateSession"):
            self._create_session(call)
        elif member == (SHORTCUTS_INTERFACE, "BindShortcuts"):
            self._bind(call)
        elif member == (SESSION_INTERFACE, "Close"):
            self.closed.append(str(fields[HeaderFields.path]))
        else:
            error = "org.freedesktop.DBus.Error.UnknownMethod"
            self.conn.send(new_error(call, error, "s", (f"no method {member}",)))

    def _request(self, call: Message, token: str) -> str:
        sender = str(call.header.fields[HeaderFields.sender])
        if self.legacy_paths:
            self._requests += 1
            token = f"legacy{self._requests}"
        return f"{PORTAL_PATH}/request/{sender[1:].replace('.', '_')}/{token}"

    def _respond(self, path: str, code: int, results: dict[str, Any]) -> None:
        signal = new_signal(
            DBusAddress(path, interface=REQUEST_INTERFACE), "Response", "ua{sv}", (code, results)
        )
        signal.header.fields[HeaderFields.destination] = self.client
        self.conn.send(signal)

    def _create_session(self, call: Message) -> None:
        (options,) = call.body
        path = self._request(call, options["handle_token"][1])
        self.client = str(call.header.fields[HeaderFields.sender])
        self.session = f"{PORTAL_PATH}/session/x/{options['session_handle_token'][1]}"
        self.conn.send(new_method_return(call, "o", (path,)))
        self._respond(path, 0, {"session_handle": ("s", self.session)})

    def _bind(self, call: Message) -> None:
        session, shortcuts, _parent, options = call.body
        assert session == self.session
        self.bound = shortcuts
        if self.bind_error:
            self.conn.send(new_error(call, self.bind_error, "s", ("not for you",)))
            return
        path = self._request(call, options["handle_token"][1])
        self.conn.send(new_method_return(call, "o", (path,)))
        assigned = [
            (sid, {"description": info["description"], "trigger_description": ("s", self.assigned)})
            for sid, info in shortcuts
        ]
        self._respond(path, self.bind_response, {"shortcuts": ("a(sa{sv})", assigned)})

    def press(self, shortcut_id: str = SHORTCUT_ID) -> None:
        self._submit(lambda: self._press(shortcut_id))

    def _press(self, shortcut_id: str) -> None:
        signal = new_signal(
            DBusAddress(PORTAL_PATH, interface=SHORTCUTS_INTERFACE),
            "Activated",
            "osta{sv}",
            (self.session, shortcut_id, 0, {}),
        )
        signal.header.fields[HeaderFields.destination] = self.client
        self.conn.send(signal)


@pytest.fixture
def portal_for(bus_env: dict[str, str]) -> Iterator[Callable[..., FakePortal]]:
    started: list[FakePortal] = []

    def start(**options: Any) -> FakePortal:
        portal = FakePortal(bus_env, **options)
        started.append(portal)
        return portal

    yield start
    for portal in started:
        portal.stop()


@pytest.fixture
def connect(bus_env: dict[str, str]) -> Iterator[Callable[[], PortalHotkey]]:
    made: list[PortalHotkey] = []

    def create() -> PortalHotkey:
        hotkey = PortalHotkey.create(bus_env)
        made.append(hotkey)
        return hotkey

    yield create
    for hotkey in made:
        hotkey.close()


def bind(
    hotkey: PortalHotkey,
    qtbot: QtBot,
    sequence: str = "Ctrl+Alt+Space",
    callback: Callable[[], None] = lambda: None,
) -> None:
    """Register ``sequence`` and wait until the portal has answered; it must have bound it."""
    hotkey.register(sequence, callback)
    qtbot.waitUntil(lambda: hotkey.status != "binding", timeout=5000)
    assert hotkey.status.startswith("bound"), hotkey.status


def test_no_portal_on_the_bus_is_a_reason_not_a_crash(bus_env: dict[str, str]) -> None:
    with pytest.raises(BackendUnavailableError, match="no GlobalShortcuts interface"):
        PortalHotkey.create(bus_env)


def test_no_session_bus_is_a_reason(tmp_path: Path) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'nothing'}"}
    with pytest.raises(BackendUnavailableError, match="cannot connect to the session bus"):
        PortalHotkey.create(env)


def test_no_bus_address_at_all_is_a_reason(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailableError, match="DBUS_SESSION_BUS_ADDRESS is not set"):
        PortalHotkey.create({"XDG_RUNTIME_DIR": str(tmp_path)})


def test_a_bus_address_of_another_transport_is_a_reason() -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": "tcp:host=localhost,port=1"}
    with pytest.raises(BackendUnavailableError, match="cannot connect to the session bus"):
        PortalHotkey.create(env)


def test_portal_binds_the_shortcut_and_relays_activations_on_the_gui_thread(
    portal_for: Callable[..., FakePortal], connect: Callable[[], PortalHotkey], qtbot: QtBot
) -> None:
    portal = portal_for()
    hotkey = connect()
    presses: list[threading.Thread] = []
    assert hotkey.version == 1
    assert isinstance(hotkey, HotkeyBackend)
    assert isinstance(hotkey, LateBinding)  # the app hears about refusals through it
    hotkey.register("Ctrl+Alt+Space", lambda: presses.append(threading.current_thread()))
    assert hotkey.status == "binding"
    qtbot.waitUntil(lambda: hotkey.status.startswith("bound"), timeout=5000)
    assert hotkey.status == "bound: Ctrl+Alt+Space"
    [(shortcut_id, info)] = portal.bound
    assert shortcut_id == SHORTCUT_ID
    assert info["preferred_trigger"] == ("s", "CTRL+ALT+space")
    assert info["description"][1]

    portal.press("someone-else")
    portal.press()
    qtbot.waitUntil(lambda: len(presses) == 1, timeout=5000)
    assert presses == [threading.main_thread()]

    session = portal.session
    hotkey.unregister()
    assert hotkey.status == "idle"
    qtbot.waitUntil(lambda: portal.closed == [session], timeout=5000)
    portal.press()
    qtbot.wait(50)
    assert len(presses) == 1


def test_the_key_the_desktop_assigns_is_the_status(
    portal_for: Callable[..., FakePortal], connect: Callable[[], PortalHotkey], qtbot: QtBot
) -> None:
    portal_for(assigned="Super+K")
    hotkey = connect()
    bind(hotkey, qtbot)
    assert hotkey.status == "bound: Super+K"


def test_older_portals_with_other_request_paths_still_bind(
    portal_for: Callable[..., FakePortal], connect: Callable[[], PortalHotkey], qtbot: QtBot
) -> None:
    portal = portal_for(legacy_paths=True)
    hotkey = connect()
    presses: list[int] = []
    bind(hotkey, qtbot, callback=lambda: presses.append(1))
    assert hotkey.status == "bound: Ctrl+Alt+Space"
    portal.press()
    qtbot.waitUntil(lambda: presses == [1], timeout=5000)


@pytest.mark.parametrize(
    ("code", "reason"),
    [(1, "the shortcut dialog was cancelled"), (2, "the desktop refused the shortcut")],
)
def test_refused_binding_is_reported(
    portal_for: Callable[..., FakePortal],
    connect: Callable[[], PortalHotkey],
    qtbot: QtBot,
    code: int,
    reason: str,
) -> None:
    portal = portal_for(bind_response=code)
    hotkey = connect()
    failures: list[tuple[str, threading.Thread]] = []
    hotkey.on_failure = lambda why: failures.append((why, threading.current_thread()))
    presses: list[int] = []
    hotkey.register("Ctrl+Alt+Space", lambda: presses.append(1))
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert failures == [(reason, threading.main_thread())]
    assert hotkey.status == f"failed: {reason}"
    qtbot.waitUntil(lambda: portal.closed == [portal.session], timeout=5000)
    portal.press()
    qtbot.wait(50)
    assert presses == []


def test_an_error_from_the_portal_is_reported_with_its_name(
    portal_for: Callable[..., FakePortal], connect: Callable[[], PortalHotkey], qtbot: QtBot
) -> None:
    portal_for(bind_error="org.freedesktop.portal.Error.NotAllowed")
    hotkey = connect()
    failures: list[str] = []
    hotkey.on_failure = failures.append
    hotkey.register("Ctrl+Alt+Space", lambda: None)
    qtbot.waitUntil(lambda: bool(failures), timeout=5000)
    assert failures[0].startswith("the portal's BindShortcuts failed")
    assert "org.freedesktop.portal.Error.NotAllowed: not for you" in failures[0]
    assert hotkey.status.startswith("failed: ")


def test_registering_again_closes_the_old_session(
    portal_for: Callable[..., FakePortal], connect: Callable[[], PortalHotkey], qtbot: QtBot
) -> None:
    portal = portal_for()
    hotkey = connect()
    bind(hotkey, qtbot)
    first = portal.session
    bind(hotkey, qtbot, "Ctrl+Alt+K")
    assert portal.closed == [first]
    assert portal.session != first
    assert portal.bound[0][1]["preferred_trigger"] == ("s", "CTRL+ALT+k")


def test_invalid_sequence_is_refused_at_once(
    portal_for: Callable[..., FakePortal], connect: Callable[[], PortalHotkey]
) -> None:
    portal_for()
    hotkey = connect()
    with pytest.raises(HotkeyError):
        hotkey.register("Ctrl+Whatever", lambda: None)
    assert hotkey.status == "idle"


def test_close_is_safe_to_repeat(
    portal_for: Callable[..., FakePortal], connect: Callable[[], PortalHotkey], qtbot: QtBot
) -> None:
    portal = portal_for()
    hotkey = connect()
    bind(hotkey, qtbot)
    session = portal.session
    hotkey.close()
    hotkey.close()
    qtbot.waitUntil(lambda: portal.closed == [session], timeout=5000)


def test_selection_picks_the_portal_on_wayland(
    bus_env: dict[str, str], portal_for: Callable[..., FakePortal]
) -> None:
    portal_for()
    env = {**bus_env, "XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}
    selection = select_hotkey_backend(env, platform="linux")
    try:
        assert selection.backend.name == "portal"
        assert "Wayland session" in dict(selection.passed_over)["x11"]
    finally:
        selection.backend.close()
