"""A session bus connection whose replies and signals reach the Qt GUI thread.

The GlobalShortcuts portal takes its shortcuts as ``a(sa{sv})``, an array of
structures, which PySide6's QtDBus cannot marshal from Python (it needs a C++
type registered with ``qDBusRegisterMetaType``). jeepney, a pure Python D-Bus
implementation, marshals any signature, so the portal backend talks to the bus
through it.

:class:`SessionBus` wraps jeepney's blocking connection. Before :meth:`start`,
:meth:`call_blocking` may wait for a reply (start-up uses it with a short
timeout). :meth:`start` hands reading to a daemon thread, which passes every
message to the GUI thread through a queued Qt signal; from then on replies go
to the callbacks given to :meth:`call` and signals to those given to
:meth:`subscribe`, always on the GUI thread. Only the GUI thread sends; only
the reader thread reads.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable, Mapping
from typing import Any

from jeepney import HeaderFields, MatchRule, Message, MessageFlag, MessageType, message_bus
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from PySide6.QtCore import QObject, Qt, Signal, Slot

from tactful.core.errors import TactfulError

log = logging.getLogger(__name__)

ReplyHandler = Callable[[Message], None]
SignalHandler = Callable[[Message], None]


class SessionBusError(TactfulError):
    """The session bus cannot be reached, or a call failed or went unanswered."""


def session_bus_address(env: Mapping[str, str]) -> str:
    """The session bus address from ``env``, or ``$XDG_RUNTIME_DIR/bus`` when none is set.

    Raises:
        SessionBusError: No address is given and there is no bus socket.
    """
    address = env.get("DBUS_SESSION_BUS_ADDRESS", "")
    if address:
        return address
    runtime = env.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return f"unix:path={os.path.join(runtime, 'bus')}"
    raise SessionBusError(
        "cannot connect to the session bus: DBUS_SESSION_BUS_ADDRESS is not set "
        "and there is no bus socket in XDG_RUNTIME_DIR"
    )


def error_text(reply: Message) -> str:
    """The error name and message of an error reply, for logs and the user."""
    name = str(reply.header.fields.get(HeaderFields.error_name, "an error"))
    detail = str(reply.body[0]) if reply.body else ""
    return f"{name}: {detail}" if detail else name


class _Inbox(QObject):
    """Carries messages from the reader thread to the thread it was created on."""

    received = Signal(object)

    def __init__(self, deliver: Callable[[Message], None]) -> None:
        super().__init__()
        self._deliver = deliver
        self.received.connect(self._on_received, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _on_received(self, message: Message) -> None:
        self._deliver(message)


class SessionBus:
    """One connection to the session bus. Build it on the GUI thread.

    Args:
        env: Where to find ``DBUS_SESSION_BUS_ADDRESS``.
        timeout: Seconds allowed for connecting and authenticating.

    Attributes:
        unique_name: The name the bus gave this connection (``:1.42``).

    Raises:
        SessionBusError: The bus cannot be reached or refuses us.
    """

    def __init__(self, env: Mapping[str, str], timeout: float = 2.0) -> None:
        address = session_bus_address(env)
        try:
            self._conn: DBusConnection = open_dbus_connection(bus=address, auth_timeout=timeout)
        except Exception as exc:  # jeepney raises OSError, RuntimeError, ValueError, ...
            raise SessionBusError(f"cannot connect to the session bus {address}: {exc}") from exc
        self.unique_name = str(self._conn.unique_name)
        self._pending: dict[int, ReplyHandler] = {}
        self._subscriptions: list[tuple[Any, SignalHandler]] = []
        self._inbox = _Inbox(self._dispatch)
        self._reader: threading.Thread | None = None
        self._closed = False

    @property
    def started(self) -> bool:
        """Whether the reader thread has taken over the connection."""
        return self._reader is not None

    def call_blocking(self, message: Message, timeout: float = 2.0) -> tuple[Any, ...]:
        """Send a method call and wait at most ``timeout`` seconds; only before :meth:`start`.

        Returns:
            The reply's body.

        Raises:
            SessionBusError: The call failed, or no reply came in time.
        """
        if self.started:
            raise SessionBusError("call_blocking after start: the reader thread owns the socket")
        try:
            reply = self._conn.send_and_get_reply(message, timeout=timeout)
        except TimeoutError as exc:
            member = message.header.fields.get(HeaderFields.member, "the call")
            raise SessionBusError(f"no answer to {member} within {timeout:g} s") from exc
        except OSError as exc:
            raise SessionBusError(f"the session bus connection failed: {exc}") from exc
        if reply.header.message_type == MessageType.error:
            raise SessionBusError(error_text(reply))
        return tuple(reply.body)

    def call(self, message: Message, on_reply: ReplyHandler | None = None) -> None:
        """Send a method call; ``on_reply`` gets the return or error on the GUI thread.

        Raises:
            SessionBusError: The connection is closed or broken.
        """
        if self._closed:
            raise SessionBusError("the session bus connection is closed")
        if on_reply is None:
            message.header.flags |= MessageFlag.no_reply_expected
        serial = next(self._conn.outgoing_serial)
        if on_reply is not None:
            self._pending[serial] = on_reply
        try:
            self._conn.send(message, serial=serial)
        except OSError as exc:
            self._pending.pop(serial, None)
            raise SessionBusError(f"the session bus connection failed: {exc}") from exc

    def subscribe(self, rule: MatchRule, handler: SignalHandler) -> None:
        """Ask the bus for signals matching ``rule``; ``handler`` gets each on the GUI thread."""
        self._subscriptions.append((rule, handler))
        self.call(message_bus.AddMatch(rule))

    def start(self) -> None:
        """Hand reading to the reader thread; replies and signals flow from now on."""
        if self._reader is not None or self._closed:
            return
        self._reader = threading.Thread(target=self._read, name="tactful-session-bus", daemon=True)
        self._reader.start()

    def close(self) -> None:
        """Stop the reader and close the connection; pending callbacks are dropped."""
        if self._closed:
            return
        self._closed = True
        self._pending.clear()
        self._subscriptions.clear()
        # Wakes the reader: its receive sees the end of the stream.
        with contextlib.suppress(OSError):
            self._conn.sock.shutdown(socket.SHUT_RDWR)
        if self._reader is not None:
            self._reader.join(timeout=2)
            if self._reader.is_alive():
                log.warning("the session bus reader did not stop in time")
        self._conn.close()

    def _read(self) -> None:
        """Reader thread: pass every incoming message to the GUI thread."""
        try:
            while True:
                self._inbox.received.emit(self._conn.receive())
        except Exception as exc:  # the end of the stream, or a broken message
            if not self._closed:
                log.warning("the session bus connection stopped: %s", exc)

    def _dispatch(self, message: Message) -> None:
        """GUI thread: hand a message to the callback waiting for it."""
        if self._closed:
            return
        kind = message.header.message_type
        try:
            if kind in (MessageType.method_return, MessageType.error):
                serial = message.header.fields.get(HeaderFields.reply_serial, -1)
                handler = self._pending.pop(serial, None)
                if handler is not None:
                    handler(message)
            elif kind == MessageType.signal:
                for rule, on_signal in list(self._subscriptions):
                    if rule.matches(message):
                        on_signal(message)
        except Exception:  # one bad handler must not stop the others
            log.exception("a D-Bus message handler failed")
