"""The global hotkey on Wayland: the xdg-desktop-portal ``GlobalShortcuts`` interface.

Where the desktop offers it (KDE Plasma 5.27+, GNOME 48+, Hyprland), an app
creates a session, binds shortcuts to it with a preferred trigger, and the
portal emits ``Activated`` when the user presses the key the desktop assigned.
The desktop may show a dialog and may assign another key than the one asked
for, so binding finishes later than :meth:`PortalHotkey.register` returns:
:attr:`PortalHotkey.status` says how it went, and :attr:`PortalHotkey.on_failure`
is called with a message when the portal refuses.

Availability is decided at start-up by reading the interface's ``version``
property; no portal, or a portal without the interface, passes this backend
over with that reason. The calls go through :mod:`tactful.desktop.dbus_wire`
(see there why not QtDBus). Everything runs on the GUI thread.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from tactful.desktop.dbus_wire import BusConnection, DBusError, Message, ObjectPath, Variant
from tactful.desktop.hotkey import BackendUnavailableError, validate_sequence
from tactful.desktop.keys import parse_hotkey

log = logging.getLogger(__name__)

PORTAL_SERVICE = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SESSION_INTERFACE = "org.freedesktop.portal.Session"
PROPERTIES_INTERFACE = "org.freedesktop.DBus.Properties"
SHORTCUT_ID = "toggle-popup"
SHORTCUT_DESCRIPTION = "Open the Tactful search popup"

_RESPONSE_TEXT = {1: "the shortcut dialog was cancelled", 2: "the desktop refused the shortcut"}

ResponseHandler = Callable[[int, dict[str, Any]], None]


def request_path(unique_name: str, token: str) -> str:
    """The object path the portal gives the request made with ``handle_token=token``."""
    sender = unique_name.lstrip(":").replace(".", "_")
    return f"{PORTAL_PATH}/request/{sender}/{token}"


class PortalHotkey:
    """Global hotkey through the GlobalShortcuts portal. Build it on the GUI thread.

    Attributes:
        version: The portal interface version.
        status: ``"idle"``, ``"binding"``, ``"bound: <key>"`` or ``"failed: <reason>"``.
        on_failure: Called with a message when the portal refuses the shortcut.
    """

    name = "portal"

    def __init__(self, bus: BusConnection, version: int) -> None:
        self._bus = bus
        self.version = version
        self.status = "idle"
        self.on_failure: Callable[[str], None] | None = None
        self._callback: Callable[[], None] | None = None
        self._session: str | None = None
        self._trigger = ""
        self._requests: dict[str, ResponseHandler] = {}
        self._tokens = itertools.count(1)
        bus.attach_to_qt()
        bus.on_signal(self._on_response, interface=REQUEST_INTERFACE, member="Response")
        bus.on_signal(self._on_activated, interface=SHORTCUTS_INTERFACE, member="Activated")

    @classmethod
    def create(cls, env: Mapping[str, str]) -> PortalHotkey:
        """Connect to the session bus and check the portal has GlobalShortcuts.

        Raises:
            BackendUnavailableError: No session bus, no portal, or no such interface.
        """
        try:
            bus = BusConnection(env)
        except DBusError as exc:
            raise BackendUnavailableError(str(exc)) from exc
        try:
            reply = bus.call_blocking(
                PORTAL_SERVICE,
                PORTAL_PATH,
                PROPERTIES_INTERFACE,
                "Get",
                "ss",
                [SHORTCUTS_INTERFACE, "version"],
                timeout=3.0,
            )
            version = int(reply.body[0])
        except (DBusError, ValueError, TypeError, IndexError) as exc:
            bus.close()
            raise BackendUnavailableError(
                f"the desktop portal offers no GlobalShortcuts interface ({exc})"
            ) from exc
        log.info("GlobalShortcuts portal version %d", version)
        return cls(bus, version)

    def register(self, sequence: str, callback: Callable[[], None]) -> None:
        """Ask the portal for ``sequence``; binding completes asynchronously.

        Raises:
            HotkeyError: The sequence is invalid.
        """
        validate_sequence(sequence)
        self._trigger = parse_hotkey(sequence).portal_trigger()
        self.unregister()
        self._callback = callback
        self.status = "binding"
        token = self._token()
        session_token = self._token()
        self._expect(token, self._on_session_created)
        options = {
            "handle_token": Variant("s", token),
            "session_handle_token": Variant("s", session_token),
        }
        self._bus.call(
            PORTAL_SERVICE,
            PORTAL_PATH,
            SHORTCUTS_INTERFACE,
            "CreateSession",
            "a{sv}",
            [options],
            on_reply=lambda reply: self._check_reply(reply, "CreateSession", token),
        )

    def unregister(self) -> None:
        """Close the portal session; the shortcut stops reaching us."""
        self._requests.clear()
        self._callback = None
        session, self._session = self._session, None
        if session is not None:
            self._bus.call(PORTAL_SERVICE, session, SESSION_INTERFACE, "Close")
        self.status = "idle"

    def close(self) -> None:
        """Close the session and the bus connection."""
        try:
            self.unregister()
        except DBusError as exc:
            log.debug("closing the portal session failed: %s", exc)
        self._bus.close()

    def _token(self) -> str:
        return f"tactful{next(self._tokens)}"

    def _expect(self, token: str, handler: ResponseHandler) -> None:
        self._requests[request_path(self._bus.unique_name, token)] = handler

    def _check_reply(self, reply: Message, method: str, token: str) -> None:
        if reply.type != 2:  # not METHOD_RETURN
            detail = reply.body[0] if reply.body else reply.fields.get("error_name", "")
            self._fail(f"the portal's {method} failed: {detail}")
            return
        # Portals older than the handle_token convention return another path.
        expected = request_path(self._bus.unique_name, token)
        actual = str(reply.body[0]) if reply.body else expected
        if actual != expected and expected in self._requests:
            self._requests[actual] = self._requests.pop(expected)

    def _on_response(self, message: Message) -> None:
        handler = self._requests.pop(str(message.fields.get("path", "")), None)
        if handler is None or len(message.body) < 2:
            return
        code, results = int(message.body[0]), dict(message.body[1])
        handler(code, results)

    def _on_session_created(self, code: int, results: dict[str, Any]) -> None:
        if code != 0 or "session_handle" not in results:
            self._fail(_RESPONSE_TEXT.get(code, "the portal did not create a session"))
            return
        self._session = str(results["session_handle"])
        token = self._token()
        self._expect(token, self._on_bound)
        shortcut = {
            "description": Variant("s", SHORTCUT_DESCRIPTION),
            "preferred_trigger": Variant("s", self._trigger),
        }
        self._bus.call(
            PORTAL_SERVICE,
            PORTAL_PATH,
            SHORTCUTS_INTERFACE,
            "BindShortcuts",
            "oa(sa{sv})sa{sv}",
            [ObjectPath(self._session), [(SHORTCUT_ID, shortcut)], "", {"handle_token": token}],
            on_reply=lambda reply: self._check_reply(reply, "BindShortcuts", token),
        )

    def _on_bound(self, code: int, results: dict[str, Any]) -> None:
        if code != 0:
            self._fail(_RESPONSE_TEXT.get(code, f"the portal answered {code}"))
            return
        assigned = ""
        for shortcut_id, info in results.get("shortcuts", []):
            if shortcut_id == SHORTCUT_ID:
                assigned = str(dict(info).get("trigger_description", "")) or self._trigger
        if not assigned:
            self._fail("the desktop bound no key; assign one in the system shortcut settings")
            return
        self.status = f"bound: {assigned}"
        log.info("portal shortcut bound: %s", assigned)

    def _on_activated(self, message: Message) -> None:
        if len(message.body) < 2 or self._session is None:
            return
        session, shortcut_id = str(message.body[0]), str(message.body[1])
        if session == self._session and shortcut_id == SHORTCUT_ID and self._callback:
            self._callback()

    def _fail(self, reason: str) -> None:
        self.status = f"failed: {reason}"
        log.warning("global shortcut through the portal: %s", reason)
        if self.on_failure is not None:
            self.on_failure(reason)
