"""The global hotkey on Wayland: the xdg-desktop-portal ``GlobalShortcuts`` interface.

Where the desktop offers it (KDE Plasma 5.27+, GNOME 48+, Hyprland), an app
creates a session, binds shortcuts to it with a preferred trigger, and the
portal emits ``Activated`` when the user presses the key the desktop assigned.
The desktop may show a dialog and may assign another key than the one asked
for, so binding finishes later than :meth:`PortalHotkey.register` returns:
:attr:`PortalHotkey.status` says how it went, and :attr:`PortalHotkey.on_failure`
is called with a reason when the portal refuses.

Availability is decided at start-up by reading the interface's ``version``
property; no portal, or a portal without the interface, passes this backend
over with that reason. The calls go through jeepney on a
:class:`~tactful.desktop.session_bus.SessionBus` (see there why not QtDBus);
replies, ``Response`` and ``Activated`` arrive on the GUI thread.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, MessageType, new_method_call
from jeepney.wrappers import Properties

from tactful.desktop.hotkey import BackendUnavailableError, validate_sequence
from tactful.desktop.keys import parse_hotkey
from tactful.desktop.session_bus import SessionBus, SessionBusError, error_text

log = logging.getLogger(__name__)

PORTAL_SERVICE = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
SHORTCUTS_INTERFACE = "org.freedesktop.portal.GlobalShortcuts"
REQUEST_INTERFACE = "org.freedesktop.portal.Request"
SESSION_INTERFACE = "org.freedesktop.portal.Session"
SHORTCUT_ID = "toggle-popup"
SHORTCUT_DESCRIPTION = "Open the Tactful search popup"

SHORTCUTS = DBusAddress(PORTAL_PATH, PORTAL_SERVICE, SHORTCUTS_INTERFACE)

_RESPONSE_TEXT = {1: "the shortcut dialog was cancelled", 2: "the desktop refused the shortcut"}

ResponseHandler = Callable[[int, dict[str, Any]], None]


def request_path(unique_name: str, token: str) -> str:
    """The object path the portal gives the request made with ``handle_token=token``."""
    sender = unique_name.lstrip(":").replace(".", "_")
    return f"{PORTAL_PATH}/request/{sender}/{token}"


def unwrap(value: Any) -> Any:
    """The value inside a D-Bus variant (jeepney gives ``(signature, value)``)."""
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        return value[1]
    return value


class PortalHotkey:
    """Global hotkey through the GlobalShortcuts portal. Build it on the GUI thread.

    Attributes:
        version: The portal interface version.
        status: ``"idle"``, ``"binding"``, ``"bound: <key>"`` or ``"failed: <reason>"``.
        on_failure: Called on the GUI thread with the reason when the portal refuses.
    """

    name = "portal"

    def __init__(self, bus: SessionBus, version: int) -> None:
        self._bus = bus
        self.version = version
        self.status = "idle"
        self.on_failure: Callable[[str], None] | None = None
        self._callback: Callable[[], None] | None = None
        self._session: str | None = None
        self._trigger = ""
        self._requests: dict[str, ResponseHandler] = {}
        self._tokens = itertools.count(1)
        bus.subscribe(
            MatchRule(type="signal", interface=REQUEST_INTERFACE, member="Response"),
            self._on_response,
        )
        bus.subscribe(
            MatchRule(
                type="signal", interface=SHORTCUTS_INTERFACE, member="Activated", path=PORTAL_PATH
            ),
            self._on_activated,
        )
        bus.start()

    @classmethod
    def create(cls, env: Mapping[str, str]) -> PortalHotkey:
        """Connect to the session bus and check the portal has GlobalShortcuts.

        Raises:
            BackendUnavailableError: No session bus, no portal, or no such interface.
        """
        try:
            bus = SessionBus(env)
        except SessionBusError as exc:
            raise BackendUnavailableError(str(exc)) from exc
        try:
            body = bus.call_blocking(Properties(SHORTCUTS).get("version"), timeout=3.0)
            version = int(unwrap(body[0]))
        except (SessionBusError, ValueError, TypeError, IndexError) as exc:
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
        self._expect(token, self._on_session_created)
        options = {"handle_token": ("s", token), "session_handle_token": ("s", self._token())}
        self._call(
            new_method_call(SHORTCUTS, "CreateSession", "a{sv}", (options,)),
            lambda reply: self._check_reply(reply, "CreateSession", token),
        )

    def unregister(self) -> None:
        """Close the portal session; the shortcut stops reaching us."""
        self._drop_session()
        self.status = "idle"

    def _drop_session(self) -> None:
        self._requests.clear()
        self._callback = None
        session, self._session = self._session, None
        if session is not None:
            address = DBusAddress(session, PORTAL_SERVICE, SESSION_INTERFACE)
            self._bus.call(new_method_call(address, "Close"))

    def close(self) -> None:
        """Close the session and the bus connection."""
        try:
            self.unregister()
        except SessionBusError as exc:
            log.debug("closing the portal session failed: %s", exc)
        self._bus.close()

    def _token(self) -> str:
        return f"tactful{next(self._tokens)}"

    def _expect(self, token: str, handler: ResponseHandler) -> None:
        self._requests[request_path(self._bus.unique_name, token)] = handler

    def _call(self, message: Message, on_reply: Callable[[Message], None]) -> None:
        try:
            self._bus.call(message, on_reply)
        except SessionBusError as exc:
            self._fail(str(exc))

    def _check_reply(self, reply: Message, method: str, token: str) -> None:
        if reply.header.message_type == MessageType.error:
            self._fail(f"the portal's {method} failed: {error_text(reply)}")
            return
        # Portals older than the handle_token convention return another path.
        expected = request_path(self._bus.unique_name, token)
        actual = str(reply.body[0]) if reply.body else expected
        if actual != expected and expected in self._requests:
            self._requests[actual] = self._requests.pop(expected)

    def _on_response(self, message: Message) -> None:
        path = str(message.header.fields.get(HeaderFields.path, ""))
        handler = self._requests.pop(path, None)
        if handler is None or len(message.body) < 2:
            return
        code = int(message.body[0])
        results = {str(key): unwrap(value) for key, value in dict(message.body[1]).items()}
        handler(code, results)

    def _on_session_created(self, code: int, results: dict[str, Any]) -> None:
        if code != 0 or "session_handle" not in results:
            self._fail(_RESPONSE_TEXT.get(code, "the portal did not create a session"))
            return
        self._session = str(results["session_handle"])
        token = self._token()
        self._expect(token, self._on_bound)
        shortcut = {
            "description": ("s", SHORTCUT_DESCRIPTION),
            "preferred_trigger": ("s", self._trigger),
        }
        body = (self._session, [(SHORTCUT_ID, shortcut)], "", {"handle_token": ("s", token)})
        self._call(
            new_method_call(SHORTCUTS, "BindShortcuts", "oa(sa{sv})sa{sv}", body),
            lambda reply: self._check_reply(reply, "BindShortcuts", token),
        )

    def _on_bound(self, code: int, results: dict[str, Any]) -> None:
        if code != 0:
            self._fail(_RESPONSE_TEXT.get(code, f"the portal answered {code}"))
            return
        assigned = ""
        for shortcut_id, info in results.get("shortcuts", []):
            if shortcut_id == SHORTCUT_ID:
                trigger = unwrap(dict(info).get("trigger_description", ""))
                assigned = str(trigger) or self._trigger
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
        try:  # a refused shortcut is no shortcut: nothing half-bound stays behind
            self._drop_session()
        except SessionBusError as exc:
            log.debug("closing the portal session failed: %s", exc)
        self.status = f"failed: {reason}"
        log.warning("global shortcut through the portal: %s", reason)
        if self.on_failure is not None:
            self.on_failure(reason)
