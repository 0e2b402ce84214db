"""A small D-Bus client for the session bus, driven by the Qt event loop.

The GlobalShortcuts portal takes its shortcuts as ``a(sa{sv})``, an array of
structures. PySide6's QtDBus cannot marshal that from Python (an array of
structures needs a C++ type registered with ``qDBusRegisterMetaType``), and a
portal session belongs to the bus connection that created it, so every call
must go through one connection that can. This module is that connection:
``EXTERNAL`` authentication over a Unix socket, method calls with replies
delivered to callbacks, and signal subscriptions; the wire format is in
:mod:`tactful.desktop.dbus_marshal`. A
``QSocketNotifier`` reads the socket on the GUI thread; nothing blocks except
:meth:`BusConnection.call_blocking`, which start-up uses with a short timeout.
"""

from __future__ import annotations

import logging
import os
import select
import socket
import time
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

from tactful.desktop.dbus_marshal import (
    ERROR,
    METHOD_CALL,
    METHOD_RETURN,
    NO_REPLY_EXPECTED,
    SIGNAL,
    DBusError,
    Message,
    ObjectPath,
    Variant,
    decode_message,
    encode_message,
    message_length,
)

__all__ = [
    "ERROR",
    "METHOD_CALL",
    "METHOD_RETURN",
    "SIGNAL",
    "BusConnection",
    "DBusError",
    "Message",
    "ObjectPath",
    "Variant",
    "session_bus_address",
]

log = logging.getLogger(__name__)


def session_bus_address(env: Mapping[str, str]) -> str:
    """The session bus socket path (NUL-prefixed for abstract sockets) from the environment.

    Raises:
        DBusError: No usable ``unix:`` address is given or implied.
    """
    address = env.get("DBUS_SESSION_BUS_ADDRESS", "")
    for entry in filter(None, address.split(";")):
        transport, _, params = entry.partition(":")
        if transport != "unix":
            continue
        pairs = dict(p.split("=", 1) for p in params.split(",") if "=" in p)
        if "path" in pairs:
            return _unescape(pairs["path"])
        if "abstract" in pairs:
            return "\0" + _unescape(pairs["abstract"])
    runtime = env.get("XDG_RUNTIME_DIR")
    if not address and runtime and os.path.exists(os.path.join(runtime, "bus")):
        return os.path.join(runtime, "bus")
    raise DBusError(f"no session bus: DBUS_SESSION_BUS_ADDRESS is {address or 'not set'!r}")


def _unescape(value: str) -> str:
    """Undo the ``%XX`` escaping of D-Bus address values."""
    return urllib.parse.unquote(value)


ReplyHandler = Callable[[Message], None]
SignalHandler = Callable[[Message], None]


class BusConnection:
    """One authenticated connection to the session bus.

    Args:
        env: Where to find ``DBUS_SESSION_BUS_ADDRESS``.
        timeout: Seconds allowed for connecting and saying hello.

    Raises:
        DBusError: The bus cannot be reached or refuses us.
    """

    def __init__(self, env: Mapping[str, str], timeout: float = 2.0) -> None:
        address = session_bus_address(env)
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._sock.settimeout(timeout)
        try:
            self._sock.connect(address)
            self._authenticate()
        except OSError as exc:
            self._sock.close()
            raise DBusError(f"cannot connect to the session bus: {exc}") from exc
        self._sock.setblocking(False)
        self._buffer = bytearray()
        self._serial = 0
        self._pending: dict[int, ReplyHandler] = {}
        self._signals: list[tuple[dict[str, str], SignalHandler]] = []
        self._methods: dict[tuple[str, str], Callable[[Message], None]] = {}
        self._notifier: Any = None
        try:
            hello = self.call_blocking(
                "org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus",
                "Hello",
                timeout=timeout,
            )
        except DBusError:
            self._sock.close()
            raise
        self.unique_name = str(hello.body[0])

    def _authenticate(self) -> None:
        self._sock.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
        answer = b""
        while not answer.endswith(b"\r\n"):
            chunk = self._sock.recv(256)
            if not chunk:
                raise OSError("the bus closed the connection during authentication")
            answer += chunk
        if not answer.startswith(b"OK "):
            raise OSError(f"the bus refused EXTERNAL authentication: {answer.strip()!r}")
        self._sock.sendall(b"BEGIN\r\n")

    def attach_to_qt(self) -> None:
        """Read the socket from the Qt event loop from now on (call on the GUI thread)."""
        from PySide6.QtCore import QSocketNotifier

        if self._notifier is None:
            self._notifier = QSocketNotifier(self._sock.fileno(), QSocketNotifier.Type.Read)
            self._notifier.activated.connect(lambda *_: self.process_input())

    def close(self) -> None:
        """Close the connection; pending calls are dropped."""
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            self._notifier.deleteLater()
            self._notifier = None
        self._pending.clear()
        self._sock.close()

    def send(self, message: Message) -> int:
        """Send ``message`` with a new serial and return the serial."""
        self._serial += 1
        message.serial = self._serial
        data = encode_message(message)
        self._sock.setblocking(True)
        try:
            self._sock.sendall(data)
        except OSError as exc:
            raise DBusError(f"the session bus connection failed: {exc}") from exc
        finally:
            self._sock.setblocking(False)
        return message.serial

    def call(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: list[Any] | None = None,
        on_reply: ReplyHandler | None = None,
    ) -> int:
        """Call a method; ``on_reply`` gets the return or error message later."""
        message = Message(
            METHOD_CALL,
            {
                "path": ObjectPath(path),
                "interface": interface,
                "member": member,
                "destination": destination,
            },
            signature,
            list(body or []),
            flags=0 if on_reply else NO_REPLY_EXPECTED,
        )
        serial = self.send(message)
        if on_reply is not None:
            self._pending[serial] = on_reply
        return serial

    def call_blocking(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: list[Any] | None = None,
        timeout: float = 2.0,
    ) -> Message:
        """Call a method and wait at most ``timeout`` seconds for its reply.

        Raises:
            DBusError: The call failed, or no reply came in time.
        """
        replies: list[Message] = []
        self.call(destination, path, interface, member, signature, body, replies.append)
        deadline = time.monotonic() + timeout
        while not replies:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DBusError(f"no answer to {interface}.{member} within {timeout:.0f} s")
            ready, _, _ = select.select([self._sock], [], [], left)
            if ready:
                self.process_input()
        reply = replies[0]
        if reply.type == ERROR:
            detail = str(reply.body[0]) if reply.body else ""
            raise DBusError(detail, str(reply.fields.get("error_name", "")))
        return reply

    def add_match(self, **rule: str) -> None:
        """Ask the bus to route matching signals to us (``type='signal'`` is implied)."""
        text = ",".join(["type='signal'"] + [f"{k}='{v}'" for k, v in rule.items()])
        self.call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "AddMatch",
            "s",
            [text],
        )

    def on_signal(self, handler: SignalHandler, **match: str) -> None:
        """Call ``handler`` for signals whose header fields equal ``match`` (and add the match)."""
        self._signals.append((match, handler))
        self.add_match(**match)

    def on_method(self, interface: str, member: str, handler: Callable[[Message], None]) -> None:
        """Handle incoming calls of ``interface.member`` (used by test services)."""
        self._methods[(interface, member)] = handler

    def reply(self, call: Message, signature: str = "", body: list[Any] | None = None) -> None:
        """Answer an incoming method call."""
        fields: dict[str, Any] = {"reply_serial": call.serial}
        if "sender" in call.fields:
            fields["destination"] = call.fields["sender"]
        self.send(Message(METHOD_RETURN, fields, signature, list(body or [])))

    def emit(
        self,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: list[Any] | None = None,
        destination: str | None = None,
    ) -> None:
        """Emit a signal (optionally to one destination)."""
        fields: dict[str, Any] = {"path": ObjectPath(path), "interface": interface}
        fields["member"] = member
        if destination:
            fields["destination"] = destination
        self.send(Message(SIGNAL, fields, signature, list(body or [])))

    def process_input(self) -> None:
        """Read what the socket has and dispatch every complete message."""
        while True:
            try:
                chunk = self._sock.recv(65536)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:
                log.warning("session bus connection failed: %s", exc)
                self._disable()
                return
            if not chunk:
                log.warning("the session bus closed the connection")
                self._disable()
                return
            self._buffer += chunk
        while True:
            length = message_length(bytes(self._buffer[:16]))
            if length is None or len(self._buffer) < length:
                return
            data = bytes(self._buffer[:length])
            del self._buffer[:length]
            try:
                self._dispatch(decode_message(data))
            except DBusError as exc:
                log.warning("dropped a D-Bus message: %s", exc)
            except Exception:
                log.exception("a D-Bus handler failed")

    def _disable(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)

    def _dispatch(self, message: Message) -> None:
        if message.type in (METHOD_RETURN, ERROR):
            handler = self._pending.pop(int(message.fields.get("reply_serial", -1)), None)
            if handler is not None:
                handler(message)
        elif message.type == SIGNAL:
            for match, on_signal in list(self._signals):
                if all(message.fields.get(k) == v for k, v in match.items()):
                    on_signal(message)
        elif message.type == METHOD_CALL:
            key = (str(message.fields.get("interface", "")), str(message.fields.get("member")))
            method = self._methods.get(key)
            if method is not None:
                method(message)
            elif not message.flags & NO_REPLY_EXPECTED:
                fields: dict[str, Any] = {
                    "reply_serial": message.serial,
                    "error_name": "org.freedesktop.DBus.Error.UnknownMethod",
                }
                if "sender" in message.fields:
                    fields["destination"] = message.fields["sender"]
                self.send(Message(ERROR, fields, "s", [f"no method {key[0]}.{key[1]}"]))
